import { Logger } from '@aws-lambda-powertools/logger';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../../cli/local-stack';
import { datasetPresence } from '../../../shared/alerts/process-alerts';
import { configSchema } from '../../../shared/config/schema';
import type { DatasetName } from '../../../shared/datasets/names';
import type { Report } from '../../../shared/report/build-report';
import { activeGenerations, sumAggregates } from '../../../shared/report/totals';
import { createLocalRuntime } from '../../../shared/runtime/runtime';
import type { DayAggregate } from '../../../shared/storage/day-aggregates';
import { indexFileDays } from '../../../shared/storage/file-index';
import {
  fileIdOf,
  INGESTION_STATUSES,
  isCounted,
  listFileRecords,
  periodFileRecords,
  putFileRecordIfNewer,
  type FileRecord,
} from '../../../shared/storage/file-ledger';
import type { TableRef } from '../../../shared/storage/table';
import { addDays } from '../../../shared/time/days';
import { testConfig } from '../../support/harness';

/**
 * The file index (shared/storage/file-index.ts) against the list of every record: after any
 * history of file versions (replaced, withdrawn, failed re-reads, crashes between the index
 * write and the record write), the records a report reads through the index give the same
 * totals for the period and its window, the same manifest and the same dataset presence for the
 * alerts as the list of all records does.
 */

let stack: LocalStack;
let table: TableRef;
let destroy: () => void;

beforeAll(async () => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  stack = await startLocalStack();
  const runtime = createLocalRuntime(
    {
      aws: stack.aws,
      tableName: stack.tableName,
      bucketName: stack.bucketName,
      config: configSchema.parse(testConfig()),
    },
    new Logger({ logLevel: 'SILENT' }),
  );
  table = runtime.table;
  destroy = runtime.clients.destroy;
}, 60_000);

afterAll(async () => {
  destroy?.();
  await stack?.stop();
});

const FIRST = '2026-07-01';
const SPAN = 150;
const dayArb = fc.integer({ min: 0, max: SPAN - 1 }).map((i) => addDays(FIRST, i));
const DATASETS: DatasetName[] = ['enrollments', 'activity', 'feedback'];

/** One event's outcome for a key: what the ingest would record, or a crash after the index write. */
const stepArb = fc.record({
  key: fc.constantFrom('a', 'b', 'c', 'd'),
  status: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('accepted', 'partial', 'failed') },
    { weight: 2, arbitrary: fc.constantFrom(...INGESTION_STATUSES) },
  ),
  days: fc.uniqueArray(dayArb, { maxLength: 40 }).map((d) => d.sort()),
  crashBeforeRecord: fc.boolean(),
});

/** The period (a week) and its window: the week before, or a baseline far earlier. */
const reportArb = fc.record({
  start: fc.integer({ min: 20, max: SPAN - 7 }),
  baseline: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
});

let run = 0;

describe('file index: a report reads its period through the index', () => {
  it('gives the same totals, manifest and dataset presence as the list of all records (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArb, { minLength: 1, maxLength: 14 }),
        reportArb,
        fc.boolean(),
        async (steps, shape, indexedFirst) => {
          const cooperationId = `c${(run += 1)}`;
          const previous = new Map<string, FileRecord>();
          const written: DayAggregate[] = [];
          // The report before the history: the index then starts complete (a new cooperation);
          // else the first report finds records to index (an upgrade).
          const period = { startDay: addDays(FIRST, shape.start), endDay: addDays(FIRST, shape.start + 6) };
          const window =
            shape.baseline === undefined
              ? { from: addDays(period.startDay, -7), to: addDays(period.startDay, -1) }
              : { from: addDays(FIRST, shape.baseline), to: addDays(FIRST, shape.baseline + 6) };
          const ranges =
            shape.baseline === undefined
              ? [{ from: window.from, to: period.endDay }]
              : [window, { from: period.startDay, to: period.endDay }];
          const read = () => periodFileRecords(table, cooperationId, { ranges, startDay: period.startDay });
          if (indexedFirst) await read();
          for (const [i, step] of steps.entries()) {
            const dataset = DATASETS[step.key.charCodeAt(0) % DATASETS.length]!;
            const before = previous.get(step.key);
            const counted = step.status === 'accepted' || step.status === 'partial';
            const generation = `g${i}`;
            const record: FileRecord = {
              cooperationId,
              key: step.key,
              partnerId: 'platform',
              dataset,
              status: step.status,
              sequencer: String(i).padStart(40, '0'),
              rows: 1,
              rejectedRows: 0,
              errorCount: 0,
              errors: [],
              // A failed re-read keeps the counted version (ingest-object.ts analyseVersion).
              ...(step.status === 'failed'
                ? { days: before?.days ?? [], generation: before?.generation }
                : { days: counted ? step.days : [], generation: counted ? generation : undefined }),
              updatedAt: '2026-12-01T00:00:00Z',
            };
            if (counted)
              for (const day of step.days)
                written.push({
                  day,
                  dataset,
                  partnerId: 'platform',
                  fileId: fileIdOf(step.key),
                  generation,
                  m: { rows: 1 },
                });
            if (step.crashBeforeRecord) {
              // The ingest died between the index write and the record write.
              if (record.days.length > 0) await indexFileDays(table, cooperationId, dataset, record.key, record.days);
              continue;
            }
            await putFileRecordIfNewer(table, record);
            previous.set(step.key, record);
          }
          const all = await listFileRecords(table, cooperationId);
          await read(); // indexes a history that predates the index, once
          const some = await read();

          const totals = (files: readonly FileRecord[], from: string, to: string) =>
            sumAggregates(written, activeGenerations(files, fileIdOf), from, to);
          expect(totals(some, period.startDay, period.endDay)).toEqual(totals(all, period.startDay, period.endDay));
          expect(totals(some, window.from, window.to)).toEqual(totals(all, window.from, window.to));
          const manifest = (files: readonly FileRecord[]) =>
            files
              .filter(isCounted)
              .filter((f) => f.days.some((d) => d >= period.startDay && d <= period.endDay))
              .map((f) => `${f.key}#${f.generation}`)
              .sort();
          expect(manifest(some)).toEqual(manifest(all));
          const report = { period } as unknown as Report;
          const presence = (files: readonly FileRecord[]) => {
            const p = datasetPresence(files, report);
            return { before: [...p.before].sort(), now: [...p.now].sort() };
          };
          expect(presence(some)).toEqual(presence(all));
        },
      ),
      {
        numRuns: 100,
        examples: [
          // A failed re-read keeps the counted version in the period.
          [
            [
              { key: 'a', status: 'accepted', days: ['2026-08-20', '2026-09-02'], crashBeforeRecord: false },
              { key: 'a', status: 'failed', days: [], crashBeforeRecord: false },
            ],
            { start: 60, baseline: undefined },
            true,
          ],
          // Data long before the window only: the dataset had data before.
          [
            [{ key: 'b', status: 'accepted', days: ['2026-07-02'], crashBeforeRecord: false }],
            { start: 100, baseline: undefined },
            true,
          ],
        ],
      },
    );
  }, 240_000);
});
