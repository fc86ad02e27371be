import type { DatasetName } from '../datasets/names';
import { MESSAGES, type MetricGroup, type Messages, type StatusWordKey } from '../mail/i18n';
import {
  banner,
  chip,
  clip,
  dataTable,
  emailDocument,
  esc,
  heading,
  item,
  list,
  metricLine,
  metricTable,
  paragraph,
  small,
  sparkline,
  sparklineText,
  subheading,
  textDocument,
  tiles,
  type TextSection,
  type Tile,
  type Tone,
} from '../mail/layout';
import type { Locale } from '../mail/locale';
import { renderAlertLine, describeAlertRule, type AlertLine } from '../verdicts/alert-detector';
import { renderChange } from '../verdicts/change';
import { formatPValue, renderSignificance } from '../verdicts/multiple-testing';
import { renderStatus, renderVerdict, type Verdict } from '../verdicts/target-status';
import { toTargetStatus, type ManifestFile, type MetricStatus, type Report, type ReportMetric } from './build-report';
import { formatMetric, formatTarget, metricLabel as labelOf } from './format';
import { MIN_HIGHLIGHTS } from './highlights';
import { renderImpactSection } from './render-impact';
import { METRIC_NAMES, isMetricName, metricDefinition, type MetricName } from './metrics';

/** Past values of a metric, oldest first, for the trends. */
export interface HistoryPoint {
  readonly label: string;
  readonly metrics: Report['metrics'];
}

export interface ReportEmailOptions {
  readonly currency: string;
  readonly locale: Locale;
  /** Earlier periods' stored reports (the trends show up to the 11 latest plus this one). */
  readonly history?: readonly HistoryPoint[];
  /** Per-metric old and new values when this email restates an earlier report. */
  readonly restatement?: Record<string, { before: number | null; after: number | null }>;
  /** Metric alerts firing after this period, with this period's line (listed, not re-alerted). */
  readonly stillFiring?: readonly { readonly metric: string; readonly line?: AlertLine }[];
}

/** Periods a trend shows at most (this one included). */
export const TREND_PERIODS = 12;
/** Lines of data freshness shown at most (the attachment lists every file). */
const MAX_FRESHNESS_LINES = 20;

/** A metric's status in words: the verdict statuses, or why it is not judged. */
export const statusText = (m: ReportMetric, t: Messages): string => {
  if (m.status === undefined) return '';
  if (m.status === 'provisional' || m.status === 'maturing') return t.notJudged[m.status];
  if (m.status === 'insufficient_data') return t.insufficientData(m.n);
  return renderStatus(toTargetStatus(m), t.locale);
};

export const metricLabel = (name: MetricName, t: Messages) => labelOf(name, t.locale);

/** Colour tone and symbol of each status: the word goes with them, never colour alone. */
const TONE: Record<StatusWordKey, Tone> = {
  met: 'good',
  not_met: 'bad',
  inconclusive: 'warn',
  insufficient_data: 'neutral',
  provisional: 'neutral',
  maturing: 'neutral',
  none: 'info',
};
const SYMBOL: Record<StatusWordKey, string> = {
  met: '✓',
  not_met: '✗',
  inconclusive: '?',
  insufficient_data: '–',
  provisional: '…',
  maturing: '~',
  none: '·',
};

const statusKey = (status: MetricStatus | undefined): StatusWordKey => status ?? 'none';
const statusChip = (status: MetricStatus | undefined, t: Messages) => {
  const key = statusKey(status);
  return chip(TONE[key], SYMBOL[key], t.statusWord[key]);
};

/** The verdict's tone and symbol: green only when every target is met in a final report. */
const verdictTone = (verdict: Verdict): [Tone, string] => {
  switch (verdict.kind) {
    case 'all_met':
      return ['good', '✓'];
    case 'no_targets':
      return ['neutral', '·'];
    case 'provisional':
      return ['warn', '…'];
    case 'attention':
      return verdict.notMet > 0 ? ['bad', '✗'] : ['warn', '?'];
  }
};

const GROUP_OF: Partial<Record<DatasetName, MetricGroup>> = {
  enrollments: 'enrollments',
  referrals: 'referrals',
  campaigns: 'ads',
  feedback: 'feedback',
  events: 'events',
};
const GROUPS: readonly MetricGroup[] = ['enrollments', 'referrals', 'ads', 'feedback', 'events', 'model'];

/** The detail's group of a metric: its one dataset, or the effect model (activity, brand and the model scores). */
export const metricGroup = (name: MetricName): MetricGroup => {
  const datasets = metricDefinition(name).datasets;
  return (datasets.length === 1 && GROUP_OF[datasets[0]!]) || 'model';
};

/** A tile's value: whole money from 100 up, and compact (179K, 17.9万) from 100,000 up. */
const tileValue = (name: MetricName, value: number | null, locale: Locale, currency: string) => {
  if (value === null) return '–';
  const unit = metricDefinition(name).unit;
  if (unit === 'percent' || unit === 'share') return formatMetric(name, value, locale, currency);
  const money = unit === 'money' ? { style: 'currency' as const, currency } : {};
  if (Math.abs(value) >= 100_000) {
    return new Intl.NumberFormat(locale, { ...money, notation: 'compact', maximumSignificantDigits: 3 }).format(value);
  }
  if (unit === 'money' && Math.abs(value) >= 100)
    return new Intl.NumberFormat(locale, { ...money, maximumFractionDigits: 0 }).format(value);
  return formatMetric(name, value, locale, currency);
};

const changeText = (
  name: MetricName,
  m: ReportMetric,
  locale: Locale,
  format: (x: number) => string,
  options: { significance: boolean } = { significance: true },
) => {
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
    format,
  );
  if (!options.significance || c.significant === undefined || c.tests === undefined || c.pValue === undefined)
    return change;
  return `${change}, ${renderSignificance(c.significant, c.tests, locale)} (${formatPValue(c.pValue)})`;
};

/**
 * Which metrics need attention: off target, not confirmed, or targeted and not judged yet (too
 * little data, a delivery missing, conversions still coming in: the verdict counts these as
 * "without enough data", so the list names each of them).
 */
const needsAttention = (m: ReportMetric) =>
  m.status === 'not_met' ||
  m.status === 'inconclusive' ||
  (m.target !== undefined &&
    (m.status === 'insufficient_data' || m.status === 'provisional' || m.status === 'maturing'));

const ATTENTION_ORDER: Partial<Record<MetricStatus, number>> = {
  not_met: 0,
  inconclusive: 1,
  insufficient_data: 2,
  provisional: 3,
  maturing: 4,
};

/** A report's UTC offset ("+08:00"), from its period's start. */
const offsetOf = (report: Report) => /([+-]\d\d:\d\d|Z)$/.exec(report.period.start)?.[1] ?? 'Z';

/** An ISO instant as local time in the report's offset: "2026-11-23 06:00 +08:00". */
const localTime = (iso: string, offset: string) => {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return '';
  const [sign, h, m] = offset === 'Z' ? ['+', '0', '0'] : [offset[0], offset.slice(1, 3), offset.slice(4, 6)];
  const shift = (sign === '-' ? -1 : 1) * (Number(h) * 60 + Number(m)) * 60_000;
  return `${new Date(ms + shift).toISOString().slice(0, 16).replace('T', ' ')} ${offset === 'Z' ? 'UTC' : offset}`;
};

interface Delivery {
  readonly partnerId: string;
  readonly dataset: string;
  readonly files: number;
  readonly latest: ManifestFile;
  readonly lastDay: string;
}

/** The files touching the period, by partner and dataset: how many, the latest, the last day with data. */
const deliveries = (files: readonly ManifestFile[]): Delivery[] => {
  const by = new Map<string, ManifestFile[]>();
  for (const f of files) {
    const key = `${f.dataset}\u0000${f.partnerId}`;
    by.set(key, [...(by.get(key) ?? []), f]);
  }
  const newer = (a: ManifestFile, b: ManifestFile) =>
    (a.receivedAt ?? '') !== (b.receivedAt ?? '') ? (a.receivedAt ?? '') > (b.receivedAt ?? '') : a.key > b.key;
  return [...by.values()]
    .map((group) => ({
      partnerId: group[0]!.partnerId,
      dataset: group[0]!.dataset,
      files: group.length,
      latest: group.reduce((a, b) => (newer(b, a) ? b : a)),
      lastDay: group.reduce((d, f) => ((f.lastDay ?? '') > d ? (f.lastDay ?? '') : d), ''),
    }))
    .sort((a, b) => a.dataset.localeCompare(b.dataset) || a.partnerId.localeCompare(b.partnerId));
};

/**
 * The scheduled report email, read top down: the verdict; 4-6 tiles of the cooperation's headline
 * metrics (value, status, change, trend); what needs attention (targets missed or unconfirmed,
 * alerts firing); then the detail: the other metrics by dataset, the incremental effect and the
 * data behind the report. A restatement puts the old and new values first. All data escaped.
 */
export const renderReportEmail = (report: Report, options: ReportEmailOptions) => {
  const { currency, locale } = options;
  const t = MESSAGES[locale];
  const fmt = (name: MetricName, v: number | null) => formatMetric(name, v, locale, currency);
  const ci = (name: MetricName, m: ReportMetric) => (m.ci ? `${fmt(name, m.ci[0])} – ${fmt(name, m.ci[1])}` : '');
  const target = (name: MetricName, m: ReportMetric) =>
    m.target ? `${t.targetWord} ${formatTarget(name, m.target, locale, currency)}` : '';
  const names = METRIC_NAMES.filter((n) => report.metrics[n] !== undefined);
  const cooperation = clip(report.cooperationName, 120);
  const verdict = renderVerdict(report.verdict, locale);
  const [tone, symbol] = verdictTone(report.verdict);
  const provisional =
    report.state === 'provisional'
      ? t.provisional(
          [
            ...report.missingDeliveries.slice(0, 6).map((m) => `${m.dataset} (${clip(m.partnerId, 40)})`),
            ...(report.missingDeliveries.length > 6 ? [t.moreRows(report.missingDeliveries.length - 6)] : []),
          ].join(t.listSep),
        )
      : '';
  const basis =
    report.comparisonBasis.kind === 'baseline'
      ? t.vsBaseline(report.comparisonBasis.from, report.comparisonBasis.to)
      : report.comparisonBasis.kind === 'none'
        ? t.firstPeriod
        : report.comparisonBasis.state === 'provisional'
          ? t.vsPreviousProvisional(report.comparisonBasis.label)
          : t.vsPrevious(report.comparisonBasis.label);
  const subject = `${options.restatement ? t.restatedPrefix : ''}${cooperation} ${report.period.label}: ${verdict}`;
  const period = `${report.period.label} · ${t.periodRange(report.period.startDay, report.period.endDay)}`;

  // Restatement: old and new values side by side.
  const restated = Object.entries(options.restatement ?? {}).filter(([name]) => isMetricName(name)) as [
    MetricName,
    { before: number | null; after: number | null },
  ][];

  // Tiles: the configured highlights (reports stored before them: the targeted metrics, else the first ones).
  const fallback = names.filter((n) => report.metrics[n]?.target !== undefined);
  const highlights = (
    report.highlights?.length
      ? report.highlights
      : [...fallback, ...names.filter((n) => !fallback.includes(n))].slice(0, MIN_HIGHLIGHTS)
  ).filter(isMetricName);
  const history = [...(options.history ?? []), { label: report.period.label, metrics: report.metrics }]
    .filter((h) => h.label <= report.period.label)
    .slice(-TREND_PERIODS);
  const trendOf = (name: MetricName) =>
    history.flatMap((h) => {
      const point = h.metrics[name];
      return typeof point?.value === 'number' && Number.isFinite(point.value)
        ? [{ value: point.value, tone: TONE[statusKey(point.status)] }]
        : [];
    });
  const tileData = highlights.map((name) => {
    const m = report.metrics[name];
    const compact = (x: number) => tileValue(name, x, locale, currency);
    if (!m)
      return {
        name,
        label: metricLabel(name, t),
        value: '–',
        full: '–',
        status: t.noData,
        change: '',
        details: [] as string[],
        trend: [] as { value: number; tone: Tone }[],
      };
    const c = m.comparison;
    const arrow = c && c.change > 0 ? '▲ ' : c && c.change < 0 ? '▼ ' : '';
    return {
      name,
      label: metricLabel(name, t),
      value: tileValue(name, m.value, locale, currency),
      full: fmt(name, m.value),
      status: t.statusWord[statusKey(m.status)],
      m,
      change: `${arrow}${changeText(name, m, locale, compact, { significance: false })}`,
      details: [target(name, m), m.ci ? `95% ${ci(name, m)}` : ''].filter(Boolean),
      trend: trendOf(name),
    };
  });
  const tileHtml = tiles(
    tileData.map(
      (d): Tile => ({
        label: d.label,
        value: d.value,
        chip: d.m ? statusChip(d.m.status, t) : chip('neutral', '–', d.status),
        change: d.change,
        details: d.details,
        trend: sparkline(d.trend, tileData.length <= 4 ? 7 : 9),
      }),
    ),
  );

  // What needs attention.
  const attention = names
    .filter((n) => needsAttention(report.metrics[n]!))
    .sort(
      (a, b) => (ATTENTION_ORDER[report.metrics[a]!.status!] ?? 9) - (ATTENTION_ORDER[report.metrics[b]!.status!] ?? 9),
    );
  const attentionLine = (name: MetricName) => {
    const m = report.metrics[name]!;
    const interval = ci(name, m);
    return {
      text: `${metricLabel(name, t)}${t.colon}${fmt(name, m.value)}${interval ? ` [${interval}]` : ''}${m.target ? `${t.comma}${target(name, m)}` : ''}`,
      status: statusText(m, t),
      m,
    };
  };
  const still = (options.stillFiring ?? []).map(({ metric, line }) => {
    // A delivery alert (`data:<dataset>`) says which data stopped arriving.
    const label = isMetricName(metric)
      ? metricLabel(metric, t)
      : `${clip(metric.replace(/^data:/, ''), 80)}${t.colon}${t.transitions.no_data}`;
    const detail = line && isMetricName(metric) ? renderAlertLine(line, locale, (x) => fmt(metric, x)) : '';
    return detail ? `${label}${t.colon}${detail}` : label;
  });

  // The detail: every other metric, by dataset.
  const shown = new Set<MetricName>([...highlights, ...attention]);
  const rest = names.filter((n) => !shown.has(n));
  const groups = GROUPS.map((g) => ({ group: g, names: rest.filter((n) => metricGroup(n) === g) })).filter(
    (g) => g.names.length > 0,
  );
  const detailOf = (name: MetricName) => {
    const m = report.metrics[name]!;
    const interval = ci(name, m);
    const change = changeText(name, m, locale, (x) => fmt(name, x));
    return {
      label: metricLabel(name, t),
      value: fmt(name, m.value),
      details: [
        interval ? `95% ${interval}` : '',
        target(name, m),
        m.status ? statusText(m, t) : '',
        change ? `${t.columns.change} ${change}` : '',
      ].filter(Boolean),
      m,
    };
  };
  // Metrics that could not be computed although their data came in (a cooperation without ads is not told it has no ad metrics).
  const delivered = new Set<string>(report.manifest.files.map((f) => f.dataset));
  const notComputed = (Object.keys(report.missing) as string[])
    .filter(isMetricName)
    .filter((n) => report.metrics[n] === undefined)
    .filter(
      (n) => metricDefinition(n).datasets.length > 0 && metricDefinition(n).datasets.every((d) => delivered.has(d)),
    );

  const impact = renderImpactSection(report.impact ?? [], t);

  // Data behind the report: who delivered what, the latest file, what is missing.
  const offset = offsetOf(report);
  const deliveredFiles = deliveries(report.manifest.files);
  const deliveredLine = (d: Delivery) =>
    [
      ...(d.files > 1
        ? [t.files(d.files), t.latestFile(clip(d.latest.key.split('/').pop() ?? d.latest.key, 80))]
        : [clip(d.latest.key.split('/').pop() ?? d.latest.key, 80)]),
      d.lastDay ? t.dataThrough(d.lastDay) : '',
      d.latest.receivedAt ? t.received(localTime(d.latest.receivedAt, offset)) : '',
    ]
      .filter(Boolean)
      .join(' · ');
  const freshness = [
    ...report.missingDeliveries.map((m) => ({
      ok: false,
      partnerId: m.partnerId,
      dataset: m.dataset as string,
      detail: t.missingDelivery,
    })),
    ...deliveredFiles.map((d) => ({ ok: true, partnerId: d.partnerId, dataset: d.dataset, detail: deliveredLine(d) })),
  ];
  const freshnessShown = freshness.slice(0, MAX_FRESHNESS_LINES);
  const freshnessMore = freshness.length - freshnessShown.length;

  const rule = report.verdict.kind === 'no_targets' ? '' : describeAlertRule(locale);
  const footer = [t.footer, rule, t.why.recipients];

  const html = emailDocument({
    locale,
    title: subject,
    preheader: [verdict, provisional].filter(Boolean).join(' '),
    kind: options.restatement
      ? t.kinds.restatement
      : t.kinds[report.period.schedule === 'monthly' ? 'monthly' : 'weekly'],
    heading: cooperation,
    subheading: period,
    footer,
    body: [
      banner(tone, symbol, verdict),
      provisional ? paragraph(provisional) : '',
      restated.length
        ? `${heading(t.restatementIntro)}${dataTable(
            [t.columns.metric, t.before, t.after],
            restated.map(([n, d]) => [metricLabel(n, t), fmt(n, d.before), fmt(n, d.after)]),
            { right: [1, 2] },
          )}`
        : options.restatement
          ? paragraph(t.restatedNoValues)
          : '',
      tileData.length ? tileHtml : '',
      paragraph(basis, { muted: true, size: 12 }),
      heading(t.attention),
      attention.length || still.length
        ? list(
            attention.map((n) => {
              const a = attentionLine(n);
              return item(`${statusChip(a.m.status, t)} ${esc(a.text)}${a.status ? `<br>${small(a.status)}` : ''}`);
            }),
          )
        : paragraph(t.nothingNeedsAttention),
      still.length
        ? `${subheading(t.stillFiring)}${list(still.map((s) => item(`${chip('bad', '!', t.alertOn)} ${esc(s)}`)))}`
        : '',
      groups.length || notComputed.length ? heading(t.detail) : '',
      ...groups.map(
        (g) =>
          `${subheading(t.groups[g.group])}${metricTable(
            g.names.map((n) => {
              const d = detailOf(n);
              return metricLine({
                label: d.label,
                value: d.value,
                ...(d.m.status ? { chip: statusChip(d.m.status, t) } : {}),
                details: d.details,
              });
            }),
          )}`,
      ),
      notComputed.length
        ? paragraph(t.notComputed(notComputed.map((n) => metricLabel(n, t)).join(t.listSep)), { muted: true, size: 12 })
        : '',
      impact.html,
      heading(t.freshness),
      freshness.length
        ? list([
            ...freshnessShown.map((f) =>
              item(
                `${chip(f.ok ? 'good' : 'bad', f.ok ? '✓' : '✗', f.dataset)} <b>${esc(f.partnerId)}</b><br>${small(f.detail)}`,
              ),
            ),
            ...(freshnessMore > 0 ? [item(small(t.moreRows(freshnessMore)))] : []),
          ])
        : paragraph(t.noFiles, { muted: true }),
    ]
      .filter(Boolean)
      .join('\n'),
  });

  const tileText = tileData.map((d) => {
    const trend = sparklineText(d.trend.map((p) => p.value));
    return `${d.label}${t.colon}${d.full} · ${d.status}${d.change ? ` · ${d.change}` : ''}${d.details.length ? ` · ${d.details.join(' · ')}` : ''}${
      trend ? ` · ${t.trendOf(d.trend.length)} ${trend}` : ''
    }`;
  });
  const sections: TextSection[] = [
    ...(restated.length
      ? [
          {
            heading: t.restatementIntro,
            lines: restated.map(([n, d]) => `${metricLabel(n, t)}${t.colon}${fmt(n, d.before)} -> ${fmt(n, d.after)}`),
          },
        ]
      : options.restatement
        ? [{ lines: [t.restatedNoValues] }]
        : []),
    { lines: [...tileText, basis] },
    {
      heading: t.attention,
      lines: [
        ...attention.map((n) => {
          const a = attentionLine(n);
          return `${SYMBOL[statusKey(a.m.status)]} ${a.text} — ${a.status}`;
        }),
        ...(attention.length || still.length ? [] : [t.nothingNeedsAttention]),
        ...(still.length ? [t.stillFiring, ...still.map((s) => `  ${s}`)] : []),
      ],
    },
    {
      heading: t.detail,
      lines: [
        ...groups.flatMap((g) => [
          `${t.groups[g.group]}${t.colon.trim()}`,
          ...g.names.map((n) => {
            const d = detailOf(n);
            return `  ${d.label}${t.colon}${d.value}${d.details.length ? ` (${d.details.join(t.comma)})` : ''}`;
          }),
        ]),
        ...(notComputed.length ? [t.notComputed(notComputed.map((n) => metricLabel(n, t)).join(t.listSep))] : []),
      ],
    },
    ...(impact.text.length ? [{ heading: impact.text[0], lines: impact.text.slice(1) }] : []),
    {
      heading: t.freshness,
      lines: freshness.length
        ? freshness.map((f) => `${f.ok ? '✓' : '✗'} ${f.partnerId} · ${f.dataset}${t.colon}${f.detail}`)
        : [t.noFiles],
    },
  ];
  const text = textDocument({
    kind: options.restatement
      ? t.kinds.restatement
      : t.kinds[report.period.schedule === 'monthly' ? 'monthly' : 'weekly'],
    heading: `${cooperation}: ${period}`,
    banner: [`${symbol} ${verdict}`, provisional].filter(Boolean).join('\n'),
    sections,
    footer,
  });
  return { subject, html, text };
};
