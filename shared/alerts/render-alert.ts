import escapeHtml from 'escape-html';
import { MESSAGES } from '../mail/i18n';
import type { Locale } from '../mail/locale';
import type { AlertDraft } from './evaluate';
import { formatMetric, formatTarget, metricLabel } from '../report/format';
import { isMetricName } from '../report/metrics';
import { renderAlertLine } from '../verdicts/alert-detector';

/**
 * What the alert is about, and its numbers, in the recipient's language: a metric's line states
 * value, interval and target ("back on target: 4.25 [4.05-4.45] >= 4.0").
 */
const describe = (d: AlertDraft, locale: Locale, currency: string) => {
  const t = MESSAGES[locale];
  if (!isMetricName(d.metric)) {
    const dataset = d.metric.replace(/^data:/, '');
    return { label: dataset, state: d.transition === 'resolved' ? t.transitions.data_back : t.transitions.no_data, detail: '' };
  }
  const name = d.metric;
  const format = (x: number) => formatMetric(name, x, locale, currency);
  const label = metricLabel(name, locale);
  if (d.line) return { label, state: t.transitions[d.transition], detail: `${renderAlertLine(d.line, locale, format)}, n = ${d.n ?? 0}` };
  const value = formatMetric(name, d.value ?? null, locale, currency);
  const ci = d.ci ? ` [${format(d.ci[0])} – ${format(d.ci[1])}]` : '';
  const target = d.target ? `, ${t.columns.target} ${formatTarget(name, d.target, locale, currency)}` : '';
  return { label, state: t.transitions[d.transition], detail: `${value}${ci}${target}, n = ${d.n ?? 0}` };
};

/** One alert email per cooperation and run, carrying every pending transition (no alert storms). */
export const renderAlertEmail = (input: { cooperationName: string; transitions: readonly AlertDraft[]; locale: Locale; currency: string }) => {
  const t = MESSAGES[input.locale];
  const firing = input.transitions.filter((d) => d.transition !== 'resolved').length;
  const periods = [...new Set(input.transitions.map((d) => d.period))].join(', ');
  const subject = `${t.alertPrefix}${input.cooperationName} ${periods}: ${firing > 0 ? t.alertsFiring(firing) : t.alertsResolved}`;
  const described = input.transitions.map((d) => ({ d, ...describe(d, input.locale, input.currency) }));
  const lines = described.map(({ d, label, state, detail }) => `- ${label}: ${state} (${d.period})${detail ? `: ${detail}` : ''}`);
  const text = [`${input.cooperationName}`, t.alertIntro(input.transitions.length), '', ...lines].join('\n');
  const colour = { firing: '#b3261e', no_data: '#8a6d00', resolved: '#1b7f3b' } as const;
  const html = `<!doctype html>
<html lang="${input.locale}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:16px;font-family:Arial,Helvetica,'PingFang SC','Microsoft YaHei',sans-serif;color:#1f1f1f;background:#f6f7f9">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:720px;margin:auto;background:#ffffff;border:1px solid #e3e5e8"><tr><td style="padding:16px 20px">
<h1 style="font-size:20px;margin:0 0 8px">${escapeHtml(input.cooperationName)}</h1>
<p style="font-size:16px;font-weight:bold;margin:0 0 12px;color:${firing > 0 ? '#b3261e' : '#1b7f3b'}">${escapeHtml(t.alertIntro(input.transitions.length))}</p>
<table cellpadding="6" cellspacing="0" width="100%" style="border-collapse:collapse;font-size:13px">
${described
  .map(
    ({ d, label, state, detail }) =>
      `<tr style="border-top:1px solid #e3e5e8"><td><b>${escapeHtml(label)}</b></td><td style="color:${colour[d.transition]};white-space:nowrap">${escapeHtml(
        state,
      )}</td><td style="white-space:nowrap">${escapeHtml(d.period)}</td><td>${escapeHtml(detail)}</td></tr>`,
  )
  .join('\n')}
</table>
</td></tr></table></body></html>`;
  return { subject, html, text };
};
