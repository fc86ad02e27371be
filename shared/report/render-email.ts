import escapeHtml from 'escape-html';
import { MESSAGES, type Messages } from '../mail/i18n';
import type { Locale } from '../mail/locale';
import { renderAlertLine, describeAlertRule, type AlertLine } from '../verdicts/alert-detector';
import { renderChange } from '../verdicts/change';
import { formatPValue, renderSignificance } from '../verdicts/multiple-testing';
import { renderStatus, renderVerdict } from '../verdicts/target-status';
import { toTargetStatus, type MetricStatus, type Report, type ReportMetric } from './build-report';
import { formatMetric, formatTarget, metricLabel as labelOf } from './format';
import { renderImpactSection } from './render-impact';
import { METRIC_NAMES, isMetricName, type MetricName } from './metrics';

/** Status colours; the status is always written out too, never shown by colour alone. */
const STATUS_COLOUR: Record<MetricStatus, string> = {
  met: '#1b7f3b',
  not_met: '#b3261e',
  inconclusive: '#8a6d00',
  insufficient_data: '#5f6368',
  provisional: '#5f6368',
  maturing: '#5f6368',
};

/** Bar colours of the trend chart, by the status each period was given. */
const BAR_COLOUR: Record<MetricStatus, string> = {
  met: '#5b9f6e',
  not_met: '#d0645c',
  inconclusive: '#d9a441',
  insufficient_data: '#b8bcc2',
  provisional: '#b8bcc2',
  maturing: '#b8bcc2',
};

/** Past values of a metric, oldest first, for the trend chart. */
export interface HistoryPoint {
  readonly label: string;
  readonly metrics: Report['metrics'];
}

export interface ReportEmailOptions {
  readonly currency: string;
  readonly locale: Locale;
  /** Earlier periods' stored reports (the chart shows up to the 11 latest plus this one). */
  readonly history?: readonly HistoryPoint[];
  /** Per-metric old and new values when this email restates an earlier report. */
  readonly restatement?: Record<string, { before: number | null; after: number | null }>;
  /** Metric alerts firing after this period, with this period's line (listed, not re-alerted). */
  readonly stillFiring?: readonly { readonly metric: string; readonly line?: AlertLine }[];
}

/** A metric's status in words: the verdict statuses, or why it is not judged. */
export const statusText = (m: ReportMetric, t: Messages): string => {
  if (m.status === undefined) return '';
  if (m.status === 'provisional' || m.status === 'maturing') return t.notJudged[m.status];
  if (m.status === 'insufficient_data') return t.insufficientData(m.n);
  return renderStatus(toTargetStatus(m), t.locale);
};

export const metricLabel = (name: MetricName, t: Messages) => labelOf(name, t.locale);

const changeText = (name: MetricName, m: ReportMetric, currency: string, locale: Locale) => {
  const c = m.comparison;
  if (!c) return m.noComparison ? renderChange({ kind: 'none', reason: m.noComparison }, locale) : '';
  const change = renderChange(
    {
      kind: 'change',
      earlier: c.value,
      difference: c.change,
      unit: c.unit,
      ...(c.relativeChange !== undefined ? { relative: c.relativeChange } : {}),
    },
    locale,
    (x) => formatMetric(name, x, locale, currency),
  );
  if (c.significant === undefined || c.tests === undefined || c.pValue === undefined) return change;
  return `${change}, ${renderSignificance(c.significant, c.tests, locale)} (${formatPValue(c.pValue)})`;
};

const BAR_WIDTH = 220;

/**
 * A horizontal bar per period with a dark marker at the target: built from table cells with
 * fixed widths and background colours, which every common mail client renders (Gmail strips
 * inline SVG, and a table needs no attachment).
 */
const trendChart = (
  name: MetricName,
  points: { label: string; value: number; status: MetricStatus | undefined }[],
  target: number,
  currency: string,
  locale: Locale,
) => {
  const max = Math.max(target, ...points.map((p) => p.value)) * 1.1 || 1;
  const px = (v: number) => Math.max(0, Math.round((v / max) * BAR_WIDTH));
  const rows = points.map((p) => {
    // The bar's colour is the status that period was given: red only when the shortfall was confirmed.
    const colour = BAR_COLOUR[p.status ?? 'insufficient_data'];
    const v = px(p.value);
    const t = Math.min(px(target), BAR_WIDTH - 2);
    const cells =
      v <= t
        ? [[v, colour], [t - v, '#eef0f2'], [2, '#202124'], [BAR_WIDTH - t - 2, '#eef0f2']]
        : [[t, colour], [2, '#202124'], [Math.min(v, BAR_WIDTH) - t - 2, colour], [BAR_WIDTH - Math.min(v, BAR_WIDTH), '#eef0f2']];
    const bar = cells
      .filter(([w]) => (w as number) > 0)
      .map(([w, c]) => `<td width="${w}" height="10" bgcolor="${c}" style="width:${w}px;height:10px;background:${c};font-size:0;line-height:0">&nbsp;</td>`)
      .join('');
    return `<tr><td style="font-size:11px;color:#5f6368;padding-right:6px;white-space:nowrap">${escapeHtml(p.label)}</td><td><table role="presentation" cellpadding="0" cellspacing="0"><tr>${bar}</tr></table></td><td style="font-size:11px;padding-left:6px;white-space:nowrap">${escapeHtml(formatMetric(name, p.value, locale, currency))}</td></tr>`;
  });
  return `<table role="presentation" cellpadding="1" cellspacing="0" style="margin:4px 0 12px">${rows.join('')}</table>`;
};

/** The scheduled report email: verdict first, then one row per metric, trends, restatement. All data escaped. */
export const renderReportEmail = (report: Report, options: ReportEmailOptions) => {
  const { currency, locale } = options;
  const t = MESSAGES[locale];
  const names = METRIC_NAMES.filter((n) => report.metrics[n] !== undefined);
  const verdict = renderVerdict(report.verdict, locale);
  const verdictColour =
    report.verdict.kind === 'all_met' ? '#1b7f3b' : report.verdict.kind === 'attention' && report.verdict.notMet > 0 ? '#b3261e' : '#8a6d00';
  const provisional =
    report.state === 'provisional'
      ? t.provisional(report.missingDeliveries.map((m) => `${m.dataset} (${m.partnerId})`).join(', '))
      : '';
  const basis =
    report.comparisonBasis.kind === 'baseline'
      ? t.vsBaseline(report.comparisonBasis.from, report.comparisonBasis.to)
      : report.comparisonBasis.kind === 'none'
        ? t.firstPeriod
        : report.comparisonBasis.state === 'provisional'
          ? t.vsPreviousProvisional(report.comparisonBasis.label)
          : t.vsPrevious(report.comparisonBasis.label);
  const subject = `${options.restatement ? t.restatedPrefix : ''}${report.cooperationName} ${report.period.label}: ${verdict}`;
  const fmt = (name: MetricName, v: number | null) => formatMetric(name, v, locale, currency);
  const rows = names.map((name) => {
    const m = report.metrics[name]!;
    return {
      name,
      label: metricLabel(name, t),
      value: fmt(name, m.value),
      ci: m.ci ? `${fmt(name, m.ci[0])} – ${fmt(name, m.ci[1])}` : '',
      target: formatTarget(name, m.target, locale, currency),
      status: statusText(m, t),
      change: changeText(name, m, currency, locale),
      m,
    };
  });
  const restated = Object.entries(options.restatement ?? {}).filter(([name]) => (METRIC_NAMES as readonly string[]).includes(name)) as [
    MetricName,
    { before: number | null; after: number | null },
  ][];
  const still = (options.stillFiring ?? []).map(({ metric, line }) => {
    const label = isMetricName(metric) ? metricLabel(metric, t) : metric;
    const detail = line && isMetricName(metric) ? renderAlertLine(line, locale, (x) => fmt(metric, x)) : '';
    return detail ? `${label}: ${detail}` : label;
  });
  const rule = report.verdict.kind === 'no_targets' ? '' : describeAlertRule(locale);
  // Stored reports from before the incremental effect have no `impact`.
  const impact = renderImpactSection(report.impact ?? [], t);

  const charts = names
    .filter((n) => report.metrics[n]?.target && report.metrics[n]?.value !== null)
    .slice(0, 6)
    .map((name) => {
      const m = report.metrics[name]!;
      const target = (m.target!.min ?? m.target!.max)!;
      const points = [...(options.history ?? []), { label: report.period.label, metrics: report.metrics }]
        .filter((h) => h.label <= report.period.label)
        .slice(-12)
        .flatMap((h) => {
          const point = h.metrics[name];
          return typeof point?.value === 'number' ? [{ label: h.label, value: point.value, status: point.status }] : [];
        });
      return `<div style="font-size:12px;font-weight:bold;margin-top:8px">${escapeHtml(metricLabel(name, t))} · ${escapeHtml(
        formatTarget(name, m.target, locale, currency),
      )}</div>${trendChart(name, points, target, currency, locale)}`;
    });

  const text = [
    `${report.cooperationName}: ${report.period.label} (${t.periodRange(report.period.startDay, report.period.endDay)})`,
    verdict,
    provisional,
    ...(still.length ? [t.stillFiring, ...still.map((s) => `  ${s}`)] : []),
    ...(restated.length ? ['', t.restatementIntro, ...restated.map(([n, d]) => `  ${metricLabel(n, t)}: ${fmt(n, d.before)} -> ${fmt(n, d.after)}`)] : []),
    '',
    ...(impact.text.length ? ['', ...impact.text] : []),
    '',
    ...rows.map(
      (r) =>
        `${r.label}: ${r.value}${r.ci ? ` [${r.ci}]` : ''}${r.target ? `, ${t.columns.target} ${r.target}` : ''}${
          r.status ? `, ${r.status}` : ''
        }${r.change ? `, ${t.columns.change} ${r.change}` : ''}`,
    ),
    '',
    `${basis}. ${t.footer}`,
    rule,
  ]
    .filter((line, i, all) => line !== '' || (i > 0 && all[i - 1] !== ''))
    .join('\n');

  const cell = 'style="padding:6px 8px;border-top:1px solid #e3e5e8"';
  const html = `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:16px;font-family:Arial,Helvetica,'PingFang SC','Microsoft YaHei',sans-serif;color:#1f1f1f;background:#f6f7f9">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:760px;margin:auto;background:#ffffff;border:1px solid #e3e5e8">
<tr><td style="padding:16px 20px">
<div style="font-size:13px;color:#5f6368">${escapeHtml(report.period.label)} · ${escapeHtml(t.periodRange(report.period.startDay, report.period.endDay))}</div>
<h1 style="font-size:20px;margin:4px 0 8px">${escapeHtml(report.cooperationName)}</h1>
<p style="font-size:16px;margin:0 0 8px;font-weight:bold;color:${verdictColour}">${escapeHtml(verdict)}</p>
${provisional ? `<p style="font-size:14px;color:#8a6d00;margin:0 0 8px">${escapeHtml(provisional)}</p>` : ''}
${
  still.length
    ? `<p style="font-size:14px;color:#b3261e;margin:0 0 2px">${escapeHtml(t.stillFiring)}</p><ul style="font-size:13px;margin:0 0 8px;padding-left:18px">${still
        .map((s) => `<li>${escapeHtml(s)}</li>`)
        .join('')}</ul>`
    : ''
}
${
  restated.length
    ? `<p style="font-size:14px;margin:8px 0 4px">${escapeHtml(t.restatementIntro)}</p><table cellpadding="0" cellspacing="0" style="border-collapse:collapse;font-size:13px;margin-bottom:8px"><tr style="background:#f1f3f4;text-align:left"><th ${cell}>${escapeHtml(t.columns.metric)}</th><th ${cell}>${escapeHtml(t.before)}</th><th ${cell}>${escapeHtml(t.after)}</th></tr>${restated
        .map(([n, d]) => `<tr><td ${cell}>${escapeHtml(metricLabel(n, t))}</td><td ${cell}>${escapeHtml(fmt(n, d.before))}</td><td ${cell}><b>${escapeHtml(fmt(n, d.after))}</b></td></tr>`)
        .join('')}</table>`
    : ''
}
<table cellpadding="0" cellspacing="0" width="100%" style="border-collapse:collapse;font-size:13px">
<tr style="background:#f1f3f4;text-align:left"><th ${cell}>${escapeHtml(t.columns.metric)}</th><th ${cell}>${escapeHtml(t.columns.value)}</th><th ${cell}>${escapeHtml(t.columns.interval)}</th><th ${cell}>${escapeHtml(t.columns.target)}</th><th ${cell}>${escapeHtml(t.columns.status)}</th><th ${cell}>${escapeHtml(t.columns.change)}</th></tr>
${rows
  .map(
    (r) =>
      `<tr><td ${cell}>${escapeHtml(r.label)}</td><td ${cell}><b>${escapeHtml(r.value)}</b></td><td ${cell}>${escapeHtml(r.ci)}</td><td ${cell}>${escapeHtml(
        r.target,
      )}</td><td ${cell}><span style="color:${r.m.status ? STATUS_COLOUR[r.m.status] : '#1f1f1f'}">${escapeHtml(r.status)}</span></td><td ${cell}>${escapeHtml(r.change)}</td></tr>`,
  )
  .join('\n')}
</table>
${impact.html}
${charts.length ? `<h2 style="font-size:15px;margin:16px 0 4px">${escapeHtml(t.trend)}</h2>${charts.join('\n')}` : ''}
<p style="font-size:12px;color:#5f6368">${escapeHtml(basis)}. ${escapeHtml(t.footer)}</p>
${rule ? `<p style="font-size:12px;color:#5f6368">${escapeHtml(rule)}</p>` : ''}
</td></tr></table>
</body></html>`;
  return { subject, html, text };
};
