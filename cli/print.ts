import { MESSAGES } from '../shared/mail/i18n';
import { formatMetric, formatTarget, metricLabel } from '../shared/report/format';
import { statusText } from '../shared/report/render-email';
import { impactLine } from '../shared/report/render-impact';
import { renderVerdict } from '../shared/verdicts/target-status';
import { METRIC_NAMES, type MetricName } from '../shared/report/metrics';
import { rowErrorLocation } from '../shared/ingest/rejection';
import type { WithheldRemovals } from '../shared/ingest/reconcile';
import type { RunResult } from './run';

const pad = (text: string, width: number) => (text.length >= width ? text : text + ' '.repeat(width - text.length));

const where = rowErrorLocation;
const repairOf = (r: RunResult['reconciled'][number]) =>
  `${r.key} (${r.action}${r.error ? `, failed: ${r.error}` : ''})`;

/** What `run` and `dev` say of removals reconcile withheld. */
export const withheldLine = ({ missing, recorded }: WithheldRemovals) =>
  `Reconcile kept the numbers of ${missing} of ${recorded} recorded files missing from the bucket (crosslift reconcile --allow-mass-removal withdraws them)`;

/** The readable summary of `crosslift run`. */
export const formatRunSummary = (result: RunResult, currencyOf: (cooperationId: string) => string): string => {
  const lines: string[] = [];
  const counts = new Map<string, number>();
  for (const f of result.files) counts.set(f.status, (counts.get(f.status) ?? 0) + 1);
  lines.push(`Files: ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ') || 'none'}`);
  for (const f of result.files) {
    const detail =
      f.status === 'rejected'
        ? (f.errors[0]?.reason ?? '')
        : `${f.rows} rows${f.rejectedRows ? `, ${f.rejectedRows} rejected` : ''}`;
    lines.push(`  ${pad(f.status, 9)} ${f.key}  ${detail}`);
    if (f.status === 'partial') {
      for (const e of f.errors.slice(0, 5)) lines.push(`             ${where(e)}: ${e.reason}`);
      if (f.errors.length > 5) lines.push(`             ... ${f.errors.length - 5} more`);
    }
  }
  if (result.reconciled.length > 0) {
    lines.push(`Reconcile repaired ${result.reconciled.length}: ${result.reconciled.map(repairOf).join(', ')}`);
  } else if (!result.withheld) lines.push('Reconcile: every object in inbox/ has its ingestion record');
  if (result.withheld) lines.push(withheldLine(result.withheld));
  for (const r of result.reports) {
    lines.push('');
    lines.push(
      `${r.cooperationName} (${r.cooperationId}) ${r.period.label}${r.state === 'provisional' ? '  [provisional]' : ''}`,
    );
    lines.push(`  ${renderVerdict(r.verdict, 'en')}`);
    lines.push(`  ${pad('metric', 30)} ${pad('value', 14)} ${pad('95% interval', 26)} ${pad('target', 12)} status`);
    const currency = currencyOf(r.cooperationId);
    for (const name of METRIC_NAMES.filter((n) => r.metrics[n]) as MetricName[]) {
      const m = r.metrics[name]!;
      const ci = m.ci
        ? `${formatMetric(name, m.ci[0], 'en', currency)} - ${formatMetric(name, m.ci[1], 'en', currency)}`
        : '';
      lines.push(
        `  ${pad(metricLabel(name), 30)} ${pad(formatMetric(name, m.value, 'en', currency), 14)} ${pad(ci, 26)} ${pad(
          formatTarget(name, m.target, 'en', currency),
          12,
        )} ${statusText(m, MESSAGES.en)}`,
      );
    }
    for (const impact of r.impact) lines.push(`  ${impactLine(impact, 'en')}`);
    const missing = Object.keys(r.missing);
    if (missing.length)
      lines.push(`  not computed: ${missing.length} metrics (no data or config for them; see --json)`);
  }
  lines.push('');
  if (result.alerts.length) {
    lines.push(`Alerts: ${result.alerts.map((a) => `${a.metric} ${a.transition} (${a.period})`).join(', ')}`);
  }
  const byKind = new Map<string, number>();
  for (const e of result.emails) byKind.set(e.kind, (byKind.get(e.kind) ?? 0) + 1);
  lines.push(
    `Emails: ${result.emails.length} sent${byKind.size ? ` (${[...byKind].map(([k, n]) => `${n} ${k}`).join(', ')})` : ''}`,
  );
  if (result.deadLetters > 0) lines.push(`Failed after retries: ${result.deadLetters} ingest events (see logs)`);
  return lines.join('\n');
};
