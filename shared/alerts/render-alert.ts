import { MESSAGES } from '../mail/i18n';
import {
  banner,
  chip,
  clip,
  emailDocument,
  metricLine,
  metricTable,
  paragraph,
  textDocument,
  type Tone,
} from '../mail/layout';
import type { Locale } from '../mail/locale';
import type { AlertDraft } from './evaluate';
import { formatMetric, formatTarget, metricLabel } from '../report/format';
import { isMetricName } from '../report/metrics';
import { describeAlertRule, renderAlertLine } from '../verdicts/alert-detector';

/**
 * What the alert is about, and its numbers, in the recipient's language: a metric's line states
 * value, interval and target ("back on target: 4.25 [4.05-4.45] >= 4.0").
 */
const describe = (d: AlertDraft, locale: Locale, currency: string) => {
  const t = MESSAGES[locale];
  if (!isMetricName(d.metric)) {
    const dataset = d.metric.replace(/^data:/, '');
    return {
      label: dataset,
      state: d.transition === 'resolved' ? t.transitions.data_back : t.transitions.no_data,
      detail: '',
    };
  }
  const name = d.metric;
  const format = (x: number) => formatMetric(name, x, locale, currency);
  const label = metricLabel(name, locale);
  if (d.line)
    return {
      label,
      state: t.transitions[d.transition],
      detail: `${renderAlertLine(d.line, locale, format)}, n = ${d.n ?? 0}`,
    };
  const value = formatMetric(name, d.value ?? null, locale, currency);
  const ci = d.ci ? ` [${format(d.ci[0])} – ${format(d.ci[1])}]` : '';
  const target = d.target ? `, ${t.columns.target} ${formatTarget(name, d.target, locale, currency)}` : '';
  return { label, state: t.transitions[d.transition], detail: `${value}${ci}${target}, n = ${d.n ?? 0}` };
};

const TONE = { firing: 'bad', no_data: 'warn', resolved: 'good' } as const satisfies Record<
  AlertDraft['transition'],
  Tone
>;
const SYMBOL = { firing: '✗', no_data: '!', resolved: '✓' } as const;

/** One alert email per cooperation and run, carrying every pending transition (no alert storms). */
export const renderAlertEmail = (input: {
  cooperationName: string;
  transitions: readonly AlertDraft[];
  locale: Locale;
  currency: string;
}) => {
  const t = MESSAGES[input.locale];
  const cooperation = clip(input.cooperationName, 120);
  const firing = input.transitions.filter((d) => d.transition !== 'resolved').length;
  const periods = [...new Set(input.transitions.map((d) => d.period))].join(', ');
  const subject = `${t.alertPrefix}${cooperation} ${periods}: ${firing > 0 ? t.alertsFiring(firing) : t.alertsResolved}`;
  const described = input.transitions.map((d) => ({ d, ...describe(d, input.locale, input.currency) }));
  const intro = t.alertIntro(input.transitions.length);
  const footer = [describeAlertRule(input.locale), t.why.recipients];
  const html = emailDocument({
    locale: input.locale,
    title: subject,
    preheader: `${intro} ${firing > 0 ? t.alertsFiring(firing) : t.alertsResolved}`,
    kind: t.kinds.alert,
    heading: cooperation,
    subheading: periods,
    footer,
    body: [
      banner(
        firing > 0 ? 'bad' : 'good',
        firing > 0 ? '✗' : '✓',
        firing > 0 ? t.alertsFiring(firing) : t.alertsResolved,
      ),
      paragraph(intro),
      metricTable(
        described.map(({ d, label, state, detail }) =>
          metricLine({
            label,
            value: d.period,
            chip: chip(TONE[d.transition], SYMBOL[d.transition], state),
            details: detail ? [detail] : [],
          }),
        ),
      ),
    ].join('\n'),
  });
  const text = textDocument({
    kind: t.kinds.alert,
    heading: cooperation,
    subheading: periods,
    banner: `${firing > 0 ? '✗' : '✓'} ${firing > 0 ? t.alertsFiring(firing) : t.alertsResolved}`,
    sections: [
      {
        heading: intro,
        lines: described.map(
          ({ d, label, state, detail }) => `- ${label}: ${state} (${d.period})${detail ? `: ${detail}` : ''}`,
        ),
      },
    ],
    footer,
  });
  return { subject, html, text };
};
