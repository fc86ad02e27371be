import { createHash } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { coopPk, getItem, putIfAbsent, queryAll, replaceIf, type TableRef } from '../storage/table';
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
  return items.map((i) => ({ ...(i.stored as StoredReport), stale: i.stale === true }));
};

/**
 * Marks stored reports of these periods stale: an ingest changed their inputs. Periods with no
 * stored report are skipped (the condition fails quietly). The next scheduled run recomputes them.
 */
export const markReportsStale = async (t: TableRef, cooperationId: string, labels: Iterable<string>) => {
  for (const label of new Set(labels)) {
    try {
      await t.db.send(
        new UpdateCommand({
          TableName: t.tableName,
          Key: { pk: coopPk(cooperationId), sk: reportSk(label) },
          UpdateExpression: 'SET stale = :t',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':t': true },
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }
};

const clearStale = async (t: TableRef, cooperationId: string, label: string, revision: number) => {
  try {
    await t.db.send(
      new UpdateCommand({
        TableName: t.tableName,
        Key: { pk: coopPk(cooperationId), sk: reportSk(label) },
        UpdateExpression: 'REMOVE stale',
        ConditionExpression: 'revision = :r',
        ExpressionAttributeValues: { ':r': revision },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
};

export type SaveResult = { readonly stored: StoredReport; readonly change: 'new' | 'restated' | 'unchanged' };

/**
 * Stores a report as the next revision of its period, unless its content equals the current one.
 * The latest item is replaced with a condition on the revision read, so two concurrent runs
 * store one revision; the loser returns what the winner stored.
 */
export const saveReport = async (t: TableRef, report: Report, now: Date): Promise<SaveResult> => {
  const digest = reportDigest(report);
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const current = await getStoredReport(t, report.cooperationId, report.period.label);
    if (current && current.digest === digest) {
      await clearStale(t, report.cooperationId, report.period.label, current.revision);
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
    const item = { pk, sk: reportSk(report.period.label), revision, stored };
    const won = current ? await replaceIf(t, item, 'revision', current.revision) : await putIfAbsent(t, item);
    if (won) return { stored, change: current ? 'restated' : 'new' };
  }
  const latest = await getStoredReport(t, report.cooperationId, report.period.label);
  return { stored: latest!, change: 'unchanged' };
};
