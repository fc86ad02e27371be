import escapeHtml from 'escape-html';
import type { Report, ReportMetric } from './build-report';
import { formatMetric, formatTarget, METRIC_LABELS } from './format';
import { METRIC_NAMES, type MetricName } from './metric-names';

const STATUS_TEXT: Record<ReportMetric['status'], string> = {
  ok: 'on target',
  below_target: 'below target',
  above_target: 'above target',
  insufficient_data: 'insufficient data',
};

const STATUS_COLOUR: Record<ReportMetric['status'], string> = {
  ok: '#1b7f3b',
  below_target: '#b3261e',
  above_target: '#b3261e',
  insufficient_data: '#8a6d00',
};

export const offTarget = (report: Report) =>
  Object.values(report.metrics).filter((m) => m?.status === 'below_target' || m?.status === 'above_target').length;

const changeText = (name: MetricName, m: ReportMetric, currency: string) => {
  if (!m.comparison) return '';
  const sign = m.comparison.change >= 0 ? '+' : '';
  const relative =
    m.comparison.relativeChange !== undefined ? ` (${sign}${(m.comparison.relativeChange * 100).toFixed(1)}%)` : '';
  const significance = m.comparison.significant === undefined ? '' : m.comparison.significant ? ', significant' : ', not significant';
  return `${sign}${formatMetric(name, m.comparison.change, 'en', currency)}${relative}${significance}`;
};

const intervalText = (name: MetricName, m: ReportMetric, currency: string) =>
  m.ci ? `${formatMetric(name, m.ci[0], 'en', currency)} to ${formatMetric(name, m.ci[1], 'en', currency)}` : '';

/** The scheduled report email: verdict first, then one row per metric. Every config value is escaped. */
export const renderReportEmail = (report: Report, options: { currency: string; restatement?: boolean }) => {
  const off = offTarget(report);
  const names = METRIC_NAMES.filter((n) => report.metrics[n] !== undefined);
  const verdict =
    off === 0
      ? 'All metrics with a target are on target.'
      : `${off} metric${off > 1 ? 's are' : ' is'} off target.`;
  const provisional =
    report.state === 'provisional'
      ? `Provisional: still waiting for ${report.missingDeliveries.map((m) => `${m.dataset} from ${m.partnerId}`).join(', ')}.`
      : '';
  const basis =
    report.comparisonBasis.kind === 'baseline'
      ? `Change against the baseline ${report.comparisonBasis.from} to ${report.comparisonBasis.to}`
      : `Change against the previous period ${report.comparisonBasis.label}`;
  const subject = `${options.restatement ? '[Restated] ' : ''}${report.cooperationName} ${report.period.label}: ${
    off === 0 ? 'on target' : `${off} metric${off > 1 ? 's' : ''} off target`
  }`;
  const rows = names.map((name) => {
    const m = report.metrics[name]!;
    return {
      name,
      label: METRIC_LABELS[name],
      value: formatMetric(name, m.value, 'en', options.currency),
      ci: intervalText(name, m, options.currency),
      target: formatTarget(name, m.target, 'en', options.currency),
      status: m.target ? STATUS_TEXT[m.status] : '',
      change: changeText(name, m, options.currency),
      m,
    };
  });
  const text = [
    `${report.cooperationName}: ${report.period.label} (${report.period.startDay} to ${report.period.endDay})`,
    verdict,
    provisional,
    '',
    ...rows.map(
      (r) =>
        `${r.label}: ${r.value}${r.ci ? ` [95% CI ${r.ci}]` : ''}${r.target ? `, target ${r.target}` : ''}${
          r.status ? `, ${r.status}` : ''
        }${r.change ? `, change ${r.change}` : ''}`,
    ),
    '',
    basis + '.',
  ]
    .filter((line, i, all) => line !== '' || all[i - 1] !== '')
    .join('\n');
  const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;color:#1f1f1f;background:#f6f7f9">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:720px;margin:auto;background:#fff;border:1px solid #e3e5e8">
<tr><td style="padding:16px 20px">
<div style="font-size:13px;color:#5f6368">${escapeHtml(report.period.label)} · ${escapeHtml(report.period.startDay)} to ${escapeHtml(report.period.endDay)}</div>
<h1 style="font-size:20px;margin:4px 0 8px">${escapeHtml(report.cooperationName)}</h1>
<p style="font-size:16px;margin:0 0 8px;font-weight:bold;color:${off === 0 ? '#1b7f3b' : '#b3261e'}">${escapeHtml(verdict)}</p>
${provisional ? `<p style="font-size:14px;color:#8a6d00;margin:0 0 8px">${escapeHtml(provisional)}</p>` : ''}
<table cellpadding="6" cellspacing="0" width="100%" style="border-collapse:collapse;font-size:13px">
<tr style="background:#f1f3f4;text-align:left"><th>Metric</th><th>Value</th><th>95% interval</th><th>Target</th><th>Status</th><th>Change</th></tr>
${rows
  .map(
    (r) => `<tr style="border-top:1px solid #e3e5e8"><td>${escapeHtml(r.label)}</td><td><b>${escapeHtml(r.value)}</b></td><td>${escapeHtml(
      r.ci,
    )}</td><td>${escapeHtml(r.target)}</td><td style="color:${STATUS_COLOUR[r.m.status]}">${escapeHtml(r.status)}</td><td>${escapeHtml(
      r.change,
    )}</td></tr>`,
  )
  .join('\n')}
</table>
<p style="font-size:12px;color:#5f6368">${escapeHtml(basis)}. Intervals are 95%; see the attached report for every value.</p>
</td></tr></table>
</body></html>`;
  return { subject, html, text };
};
