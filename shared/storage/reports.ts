import * as z from 'zod';
import type { Report } from '../report/build-report';
import { coopPk, getItem, parseItem, putIfAbsent, queryAll, writeIfCondition, type TableRef } from './table';

const KIND = 'report';
const reportSk = (label: string) => `REPORT#${label}`;
const revisionSk = (label: string, revision: number) => `REPORTREV#${label}#${String(revision).padStart(6, '0')}`;

/** A report as stored: one revision of a period's report, and what changed from the one before. */
export interface StoredReport {
  readonly report: Report;
  readonly revision: number;
  readonly digest: string;
  readonly computedAt: string;
  /** Per-metric old and new values when this revision changed an earlier one. */
  readonly restatement?: Record<string, { before: number | null; after: number | null }>;
}

// The envelope is checked; the report inside is what this code wrote (a JSON round trip of Report).
const storedReportSchema = z.looseObject({
  report: z.looseObject({
    cooperationId: z.string(),
    period: z.looseObject({ label: z.string() }),
    metrics: z.record(z.string(), z.unknown()),
  }),
  revision: z.number().int().positive(),
  digest: z.string(),
  computedAt: z.string(),
});

const reportItemSchema = z.looseObject({
  stored: storedReportSchema,
  revision: z.number(),
  staleSeq: z.number().optional(),
  computedSeq: z.number().optional(),
});

const readStored = (item: Record<string, unknown>) => {
  const parsed = parseItem(reportItemSchema, KIND, item);
  return {
    stored: parsed.stored as unknown as StoredReport,
    staleSeq: parsed.staleSeq ?? 0,
    computedSeq: parsed.computedSeq ?? 0,
  };
};

/** A period's latest stored report and its stale counter, as read before a recomputation. */
export interface ReportState {
  readonly current: StoredReport | undefined;
  /** How many times ingests have marked the report stale. */
  readonly staleSeq: number;
}

export const readReportState = async (t: TableRef, cooperationId: string, label: string): Promise<ReportState> => {
  const item = await getItem(t, KIND, { pk: coopPk(cooperationId), sk: reportSk(label) });
  if (!item) return { current: undefined, staleSeq: 0 };
  const { stored, staleSeq } = readStored(item);
  return { current: stored, staleSeq };
};

export const getStoredReport = async (t: TableRef, cooperationId: string, label: string) =>
  (await readReportState(t, cooperationId, label)).current;

/** Every period's latest report of a cooperation, each saying whether late data made it stale. */
export const listStoredReports = async (
  t: TableRef,
  cooperationId: string,
): Promise<(StoredReport & { readonly stale: boolean })[]> =>
  (await queryAll(t, KIND, coopPk(cooperationId), { prefix: 'REPORT#' })).map((item) => {
    const { stored, staleSeq, computedSeq } = readStored(item);
    return { ...stored, stale: staleSeq > computedSeq };
  });

/**
 * Marks stored reports of these periods stale: an ingest changed their inputs. Periods with no
 * stored report are skipped (the condition fails quietly). The next scheduled run recomputes them.
 */
export const markReportsStale = async (t: TableRef, cooperationId: string, labels: Iterable<string>) => {
  for (const label of new Set(labels)) {
    await writeIfCondition(
      t,
      KIND,
      ({ UpdateCommand }) =>
        new UpdateCommand({
          TableName: t.tableName,
          Key: { pk: coopPk(cooperationId), sk: reportSk(label) },
          // A counter, not a flag: a report computed while an ingest landed must stay stale.
          UpdateExpression: 'ADD staleSeq :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': 1 },
        }),
    );
  }
};

/** Records which stale marks a computation has seen; marks added since keep the report stale. */
export const markComputed = (t: TableRef, cooperationId: string, label: string, revision: number, seenSeq: number) =>
  writeIfCondition(
    t,
    KIND,
    ({ UpdateCommand }) =>
      new UpdateCommand({
        TableName: t.tableName,
        Key: { pk: coopPk(cooperationId), sk: reportSk(label) },
        UpdateExpression: 'SET computedSeq = :seen',
        ConditionExpression: 'revision = :r AND (attribute_not_exists(computedSeq) OR computedSeq < :seen)',
        ExpressionAttributeValues: { ':r': revision, ':seen': seenSeq },
      }),
  );

/** Keeps every revision (write-once), so earlier versions of a restated report stay readable. */
export const putRevision = (t: TableRef, stored: StoredReport) =>
  putIfAbsent(t, KIND, {
    pk: coopPk(stored.report.cooperationId),
    sk: revisionSk(stored.report.period.label, stored.revision),
    stored,
  });

/**
 * Makes a revision the period's latest, unless another run replaced the revision read before:
 * returns false when it lost. Leaves staleSeq alone (ingests may bump it at any time).
 */
export const putLatest = (t: TableRef, stored: StoredReport, previousRevision: number | undefined, seenSeq: number) =>
  writeIfCondition(
    t,
    KIND,
    ({ UpdateCommand }) =>
      new UpdateCommand({
        TableName: t.tableName,
        Key: { pk: coopPk(stored.report.cooperationId), sk: reportSk(stored.report.period.label) },
        UpdateExpression: 'SET #stored = :stored, revision = :rev, computedSeq = :seen',
        ConditionExpression: previousRevision === undefined ? 'attribute_not_exists(revision)' : 'revision = :prev',
        ExpressionAttributeNames: { '#stored': 'stored' },
        ExpressionAttributeValues: {
          ':stored': stored,
          ':rev': stored.revision,
          ':seen': seenSeq,
          ...(previousRevision === undefined ? {} : { ':prev': previousRevision }),
        },
      }),
  );
