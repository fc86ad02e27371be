import { createHash } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { coopPk, getItem, putIfAbsent, queryAll, writeIfCondition, type TableRef } from '../storage/table';
import type { Report } from './build-report';

export interface StoredReport {
  readonly report: Report;
  readonly revision: number;
  readonly digest: string;
  readonly computedAt: string;
  /** Per-metric old and new values when this revision changed an earlier one. */
  readonly restatement?: Record<string, { before: number | null; after: number | null }>;
}

const reportSk = (label: string) => `REPORT#${label}`;
const revisionSk = (label: string, revision: number) => `REPORTREV#${label}#${String(revision).padStart(6, '0')}`;

/**
 * What identifies a report's content: its numbers, verdicts and input contents (not when it
 * ran, nor the object versions: the same bytes uploaded again do not restate a report).
 */
export const reportDigest = (report: Report) =>
  createHash('sha256')
    .update(
      JSON.stringify({
        metrics: report.metrics,
        missing: report.missing,
        state: report.state,
        files: report.manifest.files.map((f) => [f.key, f.contentHash]),
      }),
    )
    .digest('hex');

// DynamoDB has no NaN or Infinity, and undefined attributes are dropped: a JSON round trip
// turns the report into exactly what will be stored and read back.
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export const getStoredReport = async (t: TableRef, cooperationId: string, label: string): Promise<StoredReport | undefined> => {
  const item = await getItem(t, coopPk(cooperationId), reportSk(label));
  return item ? (item.stored as StoredReport) : undefined;
};

export const listStoredReports = async (
  t: TableRef,
  cooperationId: string,
): Promise<(StoredReport & { readonly stale: boolean })[]> => {
  const items = await queryAll(t, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
    ExpressionAttributeValues: { ':pk': coopPk(cooperationId), ':p': 'REPORT#' },
  });
  return items.map((i) => ({ ...(i.stored as StoredReport), stale: Number(i.staleSeq ?? 0) > Number(i.computedSeq ?? 0) }));
};

/**
 * Marks stored reports of these periods stale: an ingest changed their inputs. Periods with no
 * stored report are skipped (the condition fails quietly). The next scheduled run recomputes them.
 */
export const markReportsStale = async (t: TableRef, cooperationId: string, labels: Iterable<string>) => {
  for (const label of new Set(labels)) {
    await writeIfCondition(
      t,
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
const markComputed = (t: TableRef, cooperationId: string, label: string, revision: number, seenSeq: number) =>
  writeIfCondition(
    t,
    new UpdateCommand({
      TableName: t.tableName,
      Key: { pk: coopPk(cooperationId), sk: reportSk(label) },
      UpdateExpression: 'SET computedSeq = :seen',
      ConditionExpression: 'revision = :r AND (attribute_not_exists(computedSeq) OR computedSeq < :seen)',
      ExpressionAttributeValues: { ':r': revision, ':seen': seenSeq },
    }),
  );

/** A period's latest stored report and its stale counter, as read before a recomputation. */
export interface ReportState {
  readonly current: StoredReport | undefined;
  /** How many times ingests have marked the report stale. */
  readonly staleSeq: number;
}

/**
 * Read before a report's inputs are read: saveReport records the stale counter seen here, so a
 * mark added during the computation keeps the report stale, and reuses the stored report.
 */
export const readReportState = async (t: TableRef, cooperationId: string, label: string): Promise<ReportState> => {
  const item = await getItem(t, coopPk(cooperationId), reportSk(label));
  return { current: item ? (item.stored as StoredReport) : undefined, staleSeq: Number(item?.staleSeq ?? 0) };
};

/** Writes the latest report item without touching staleSeq (which ingests may bump at any time). */
const writeLatest = (t: TableRef, report: Report, stored: StoredReport, previousRevision: number | undefined, seenSeq: number) =>
  writeIfCondition(
    t,
    new UpdateCommand({
      TableName: t.tableName,
      Key: { pk: coopPk(report.cooperationId), sk: reportSk(report.period.label) },
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

export type SaveResult = { readonly stored: StoredReport; readonly change: 'new' | 'restated' | 'unchanged' };

/**
 * Stores a report as the next revision of its period, unless its content equals the current one.
 * The latest item is replaced with a condition on the revision read, so two concurrent runs
 * store one revision; the loser returns what the winner stored.
 */
export const saveReport = async (
  t: TableRef,
  report: Report,
  now: Date,
  seen: ReportState = { current: undefined, staleSeq: 0 },
): Promise<SaveResult> => {
  const digest = reportDigest(report);
  const seenStaleSeq = seen.staleSeq;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    // The first attempt uses the state read before the computation; a lost race reads again.
    const current = attempt === 0 && seen.current ? seen.current : await getStoredReport(t, report.cooperationId, report.period.label);
    if (current && current.digest === digest) {
      await markComputed(t, report.cooperationId, report.period.label, current.revision, seenStaleSeq);
      return { stored: current, change: 'unchanged' };
    }
    const revision = (current?.revision ?? 0) + 1;
    const restatement = current
      ? Object.fromEntries(
          [...new Set([...Object.keys(current.report.metrics), ...Object.keys(report.metrics)])]
            .map((name) => {
              const before = current.report.metrics[name as keyof Report['metrics']]?.value ?? null;
              const after = report.metrics[name as keyof Report['metrics']]?.value ?? null;
              return [name, { before, after }] as const;
            })
            .filter(([, v]) => v.before !== v.after),
        )
      : undefined;
    const stored: StoredReport = plain({ report, revision, digest, computedAt: now.toISOString(), restatement });
    const pk = coopPk(report.cooperationId);
    await putIfAbsent(t, { pk, sk: revisionSk(report.period.label, revision), stored });
    const won = await writeLatest(t, report, stored, current?.revision, seenStaleSeq);
    if (won) return { stored, change: current ? 'restated' : 'new' };
  }
  const latest = await getStoredReport(t, report.cooperationId, report.period.label);
  return { stored: latest!, change: 'unchanged' };
};
