import { createHash } from 'node:crypto';
import {
  getStoredReport,
  markComputed,
  putLatest,
  putRevision,
  type ReportState,
  type StoredReport,
} from '../storage/reports';
import type { TableRef } from '../storage/table';
import type { Report } from './build-report';

/**
 * What identifies a report's content: its numbers, verdicts and input contents (not when it
 * ran, nor the object versions: the same bytes uploaded again do not restate a report). A total's
 * `daySpread` is left out: it follows from the files, whose contents are in, and reports stored
 * before it existed would otherwise all get a new revision when recomputed.
 */
export const reportDigest = (report: Report) =>
  createHash('sha256')
    .update(
      JSON.stringify({
        metrics: Object.fromEntries(
          Object.entries(report.metrics).map(([name, { daySpread: _daySpread, ...metric }]) => [name, metric]),
        ),
        missing: report.missing,
        state: report.state,
        impact: report.impact.map((i) => [
          i.outcome,
          i.status,
          i.cumulative?.effect,
          i.cumulative?.ci,
          i.period?.effect,
        ]),
        files: report.manifest.files.map((f) => [f.key, f.contentHash]),
      }),
    )
    .digest('hex');

// DynamoDB has no NaN or Infinity, and undefined attributes are dropped: a JSON round trip
// turns the report into exactly what will be stored and read back.
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

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
    const current =
      attempt === 0 && seen.current
        ? seen.current
        : await getStoredReport(t, report.cooperationId, report.period.label);
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
    await putRevision(t, stored);
    const won = await putLatest(t, stored, current?.revision, seenStaleSeq);
    if (won) return { stored, change: current ? 'restated' : 'new' };
  }
  const latest = await getStoredReport(t, report.cooperationId, report.period.label);
  return { stored: latest!, change: 'unchanged' };
};
