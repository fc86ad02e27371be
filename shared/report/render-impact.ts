import { impactSentence, type ImpactLocale } from '../impact';
import type { Messages } from '../mail/i18n';
import { esc, heading, LIGHT, paragraph } from '../mail/layout';
import type { ReportImpact } from './impact-section';

/** Days of the counterfactual band the email draws. */
const CHART_DAYS = 14;
const WIDTH = 200;

/** A day as its reader says it: "7 Sep 2026", "2026年9月7日". */
const dayLabel = (day: string, locale: ImpactLocale) =>
  day === ''
    ? ''
    : new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
        new Date(`${day}T00:00:00Z`),
      );

/** The sentence of one estimate ("the cooperation added about 1,750 ... since 7 Sep (95%: 1,560-1,940)"). */
export const impactLine = (impact: ReportImpact, locale: ImpactLocale) =>
  `${impact.outcome}: ${impactSentence(impact, {
    locale,
    seriesLabel: (impact.outcome.split('/')[1] ?? impact.outcome).replace(/_/g, ' '),
    sinceLabel: dayLabel(impact.cumulative?.since ?? '', locale),
  })}`;

/** Estimates whose chart the email draws at most; the sentences of at most MAX_SENTENCES (all in the text part). */
const MAX_CHARTS = 2;
const MAX_SENTENCES = 10;

/**
 * The last days of actual against the counterfactual band, as table cells (mail clients drop
 * SVG): a grey band from low to high, a dark mark at the counterfactual, the actual as a bar.
 */
const bandChart = (impact: ReportImpact, locale: ImpactLocale) => {
  const days = impact.daily.filter((d) => d.actual !== null && d.counterfactual !== null).slice(-CHART_DAYS);
  if (days.length === 0) return '';
  const max = Math.max(...days.flatMap((d) => [d.actual!, d.high ?? d.counterfactual!])) * 1.05 || 1;
  const px = (v: number) => Math.max(0, Math.min(WIDTH, Math.round((v / max) * WIDTH)));
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const rows = days.map((d) => {
    const actual = px(d.actual!);
    const [low, high] = [px(d.low ?? d.counterfactual!), px(d.high ?? d.counterfactual!)];
    const mark = Math.min(px(d.counterfactual!), WIDTH - 2);
    // One cell per run of one colour: the bar where the actual reaches, grey inside the band, the mark.
    const cells: [number, Paint][] = [];
    const paintAt = (x: number): Paint =>
      x === mark || x === mark + 1 ? 'mark' : x < actual ? 'bar' : x >= low && x < high ? 'band' : 'none';
    for (let x = 0; x < WIDTH; ) {
      const paint = paintAt(x);
      let w = 1;
      while (x + w < WIDTH && paintAt(x + w) === paint) w += 1;
      cells.push([w, paint]);
      x += w;
    }
    const bar = cells.map(([w, p]) => `<td width="${w}"${PAINT[p]}></td>`).join('');
    return `<tr><td class="cl-muted" style="color:${LIGHT.muted};padding-right:6px">${esc(d.day.slice(5))}</td><td style="padding:1px 0"><table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse"><tr>${bar}</tr></table></td><td style="padding-left:6px">${esc(
      `${number.format(d.actual!)} / ${number.format(d.counterfactual!)}`,
    )}</td></tr>`;
  });
  return `<table role="presentation" cellpadding="0" cellspacing="0" style="margin:4px 0 12px;font-size:11px;line-height:13px;white-space:nowrap">${rows.join('')}</table>`;
};

type Paint = 'bar' | 'band' | 'mark' | 'none';
/** Cell attributes per paint; the mark turns light in dark mode (class cl-ink). */
const PAINT: Record<Paint, string> = {
  bar: ' height="9" style="background:#3b7ddd"',
  band: ' height="9" style="background:#c6cbd2"',
  mark: ` height="9" class="cl-ink" style="background:${LIGHT.text}"`,
  none: ' height="9" style="height:9px"',
};

/** The report email's incremental-effect section: a sentence and a band chart per estimate. */
export const renderImpactSection = (impacts: readonly ReportImpact[], t: Messages) => {
  if (impacts.length === 0) return { text: [] as string[], html: '' };
  const locale = t.locale;
  const text = [t.impactHeading, ...impacts.map((i) => `  ${impactLine(i, locale)}`)];
  const shown = impacts.slice(0, MAX_SENTENCES);
  const html = `${heading(t.impactHeading)}${shown
    .map((i, n) => {
      const chart = n < MAX_CHARTS ? bandChart(i, locale) : '';
      return `${paragraph(impactLine(i, locale))}${
        chart
          ? `<div class="cl-muted" style="font-size:11px;line-height:15px;color:${LIGHT.muted}">${esc(t.impactChart(Math.min(CHART_DAYS, i.daily.length)))}</div>${chart}`
          : ''
      }`;
    })
    .join(
      '\n',
    )}${impacts.length > shown.length ? paragraph(t.moreRows(impacts.length - shown.length), { muted: true, size: 12 }) : ''}`;
  return { text, html };
};
