import escapeHtml from 'escape-html';
import { impactSentence, type ImpactLocale } from '../impact';
import type { Messages } from '../mail/i18n';
import type { ReportImpact } from './impact-section';

/** Days of the counterfactual band the email draws. */
const CHART_DAYS = 14;
const WIDTH = 220;

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
    // One row of cells per position: bar colour where the actual reaches, grey inside the band.
    const cells: [number, string][] = [];
    const colourAt = (x: number) => (x === mark || x === mark + 1 ? '#202124' : x < actual ? '#4f7fbf' : x >= low && x < high ? '#d6dade' : '#f1f3f4');
    for (let x = 0; x < WIDTH; ) {
      const colour = colourAt(x);
      let w = 1;
      while (x + w < WIDTH && colourAt(x + w) === colour) w += 1;
      cells.push([w, colour]);
      x += w;
    }
    const bar = cells
      .map(([w, c]) => `<td width="${w}" height="8" bgcolor="${c}" style="width:${w}px;height:8px;background:${c};font-size:0;line-height:0">&nbsp;</td>`)
      .join('');
    return `<tr><td style="font-size:11px;color:#5f6368;padding-right:6px;white-space:nowrap">${escapeHtml(d.day.slice(5))}</td><td><table role="presentation" cellpadding="0" cellspacing="0"><tr>${bar}</tr></table></td><td style="font-size:11px;padding-left:6px;white-space:nowrap">${escapeHtml(
      `${number.format(d.actual!)} / ${number.format(d.counterfactual!)}`,
    )}</td></tr>`;
  });
  return `<table role="presentation" cellpadding="1" cellspacing="0" style="margin:4px 0 12px">${rows.join('')}</table>`;
};

/** The report email's incremental-effect section: a sentence and a band chart per estimate. */
export const renderImpactSection = (impacts: readonly ReportImpact[], t: Messages) => {
  if (impacts.length === 0) return { text: [] as string[], html: '' };
  const locale = t.locale;
  const text = [t.impactHeading, ...impacts.map((i) => `  ${impactLine(i, locale)}`)];
  const html = `<h2 style="font-size:15px;margin:16px 0 4px">${escapeHtml(t.impactHeading)}</h2>${impacts
    .map((i) => {
      const chart = bandChart(i, locale);
      return `<p style="font-size:14px;margin:4px 0">${escapeHtml(impactLine(i, locale))}</p>${
        chart ? `<div style="font-size:11px;color:#5f6368">${escapeHtml(t.impactChart(Math.min(CHART_DAYS, i.daily.length)))}</div>${chart}` : ''
      }`;
    })
    .join('\n')}`;
  return { text, html };
};
