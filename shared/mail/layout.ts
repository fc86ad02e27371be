import escapeHtml from 'escape-html';
import type { Locale } from './locale';

/**
 * The one layout of every email kind (report, restatement, alert, rejection, failure): the same
 * header, colours, blocks and footer, in HTML that mail clients keep (tables, inline CSS on every
 * element, no SVG, no scripts, no external CSS) and in plain text.
 *
 * - 600 px wide at most; tiles are inline blocks that wrap, so the email reflows at 375 px
 *   without media queries.
 * - Dark mode: every element carries its light colours inline; a `<style>` block only adds the
 *   dark colours for clients that honour `prefers-color-scheme` (progressive: nothing relies on it).
 *   Clients that invert colours themselves invert background and text together.
 * - Status is never shown by colour alone: every chip, banner and line has a symbol and a word.
 * - Every value from data or config is escaped here or by the caller with `esc`.
 */

export const esc = (text: string): string => escapeHtml(text);

/** Text from data or config (names, keys) is cut to this many characters in an email. */
export const clip = (text: string, max = 160): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The tones of status, each with its symbol so colour is never alone. */
export type Tone = 'good' | 'bad' | 'warn' | 'neutral' | 'info';

export interface Scheme {
  readonly page: string;
  readonly card: string;
  readonly text: string;
  readonly muted: string;
  /** Tiles and table heads. */
  readonly soft: string;
  readonly line: string;
  readonly accent: string;
  /** Text and background of a chip or banner of each tone (WCAG AA: 4.5:1 at least). */
  readonly tones: Readonly<Record<Tone, { readonly fg: string; readonly bg: string; readonly edge: string }>>;
}

export const LIGHT: Scheme = {
  page: '#eef0f3',
  card: '#ffffff',
  text: '#1f1f1f',
  muted: '#5b6068',
  soft: '#f5f6f8',
  line: '#dfe1e5',
  accent: '#1a5fb4',
  tones: {
    good: { fg: '#0b5a26', bg: '#e3f3e8', edge: '#1e8e3e' },
    bad: { fg: '#9c1c12', bg: '#fce8e6', edge: '#d93025' },
    warn: { fg: '#6d4300', bg: '#fef3d6', edge: '#c26401' },
    neutral: { fg: '#3c4043', bg: '#eceef1', edge: '#80868b' },
    info: { fg: '#174ea6', bg: '#e8f0fe', edge: '#1a73e8' },
  },
};

export const DARK: Scheme = {
  page: '#111214',
  card: '#1d1e21',
  text: '#e8eaed',
  muted: '#b4b8bf',
  soft: '#282a2e',
  line: '#3c4043',
  accent: '#8ab4f8',
  tones: {
    good: { fg: '#8fd6a4', bg: '#12301d', edge: '#5bb974' },
    bad: { fg: '#f6aea9', bg: '#3d1613', edge: '#ee675c' },
    warn: { fg: '#fdd663', bg: '#372a05', edge: '#f9ab00' },
    neutral: { fg: '#dadce0', bg: '#303134', edge: '#9aa0a6' },
    info: { fg: '#aecbfa', bg: '#172a4a', edge: '#8ab4f8' },
  },
};

/** Bar colours of the trend sparklines (graphics: 3:1 against the card in both schemes). */
export const BAR: Readonly<Record<Tone, string>> = {
  good: '#2e9a4f',
  bad: '#d93025',
  warn: '#d07a06',
  neutral: '#8a9099',
  info: '#3b7ddd',
};

const TONES: readonly Tone[] = ['good', 'bad', 'warn', 'neutral', 'info'];

const FONT = "Arial,Helvetica,'PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC',sans-serif";

/** Dark colours for clients that honour prefers-color-scheme; every element has its light colours inline. */
const DARK_CSS = [
  ':root{color-scheme:light dark;supported-color-schemes:light dark}',
  '@media (prefers-color-scheme:dark){',
  `.cl-page{background:${DARK.page}!important}`,
  `.cl-card{background:${DARK.card}!important;color:${DARK.text}!important}`,
  `.cl-text{color:${DARK.text}!important}`,
  `.cl-muted{color:${DARK.muted}!important}`,
  `.cl-soft{background:${DARK.soft}!important}`,
  `.cl-line{border-color:${DARK.line}!important}`,
  `.cl-accent{color:${DARK.accent}!important}`,
  `.cl-edge{border-color:${DARK.accent}!important}`,
  `.cl-ink{background:${DARK.text}!important}`,
  ...TONES.map(
    (t) =>
      `.cl-${t}{background:${DARK.tones[t].bg}!important;color:${DARK.tones[t].fg}!important;border-color:${DARK.tones[t].edge}!important}`,
  ),
  '}',
  // Narrow screens: two tiles share the row (without this, they keep their 600 px width and still wrap).
  '@media (max-width:480px){.cl-tile{max-width:none!important;width:46%!important;margin:0 1.5% 8px!important}}',
].join('');

const L = LIGHT;

/** A heading inside the body. */
export const heading = (text: string): string =>
  `<h2 class="cl-text" style="margin:22px 0 8px;font-size:17px;line-height:23px;font-weight:bold;color:${L.text}">${esc(text)}</h2>`;

/** A small heading (a group of a section). */
export const subheading = (text: string): string =>
  `<h3 class="cl-muted" style="margin:14px 0 2px;font-size:13px;line-height:18px;font-weight:bold;color:${L.muted};text-transform:uppercase;letter-spacing:.03em">${esc(text)}</h3>`;

export const paragraph = (text: string, options: { muted?: boolean; size?: number } = {}): string =>
  `<p class="${options.muted ? 'cl-muted' : 'cl-text'}" style="margin:6px 0;font-size:${options.size ?? 14}px;line-height:${
    (options.size ?? 14) + 6
  }px;color:${options.muted ? L.muted : L.text}">${esc(text)}</p>`;

/** A status word with its symbol on its tone's background (never colour alone). */
export const chip = (tone: Tone, symbol: string, word: string): string =>
  `<span class="cl-${tone}" style="display:inline-block;padding:1px 7px;border-radius:9px;background:${L.tones[tone].bg};color:${L.tones[tone].fg};font-size:12px;line-height:18px;font-weight:bold;white-space:nowrap">${esc(
    `${symbol} ${word}`,
  )}</span>`;

/** The verdict (or the gist of any email) in one line, on its tone, right under the header. */
export const banner = (tone: Tone, symbol: string, text: string): string =>
  `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="margin:4px 0 12px;border-collapse:separate"><tr><td class="cl-${tone}" style="padding:10px 14px;border-left:4px solid ${
    L.tones[tone].edge
  };background:${L.tones[tone].bg};color:${L.tones[tone].fg};font-size:16px;line-height:22px;font-weight:bold">${esc(`${symbol} ${text}`)}</td></tr></table>`;

/** A bulleted line with a symbol (attention list, freshness), `html` already escaped. */
export const item = (html: string): string =>
  `<tr><td class="cl-line" style="padding:7px 0;border-top:1px solid ${L.line}">${html}</td></tr>`;

/** Rows of `item`s. */
export const list = (items: readonly string[]): string =>
  items.length
    ? `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;font-size:14px;line-height:20px">${items.join('')}</table>`
    : '';

/** Muted small text inside a line. */
export const small = (text: string): string =>
  `<span class="cl-muted" style="font-size:12px;color:${L.muted}">${esc(text)}</span>`;

/**
 * A metric's line: its label and, under it, the details (interval, target, change); on the right
 * its value and status chip. Two columns, so it reads at 375 px as at 600.
 */
export const metricLine = (o: { label: string; value: string; chip?: string; details: readonly string[] }): string =>
  `<tr><td class="cl-line" style="padding:8px 8px 8px 0;border-top:1px solid ${L.line};vertical-align:top">${esc(o.label)}${
    o.details.length ? `<br>${small(o.details.filter((d) => d !== '').join(' · '))}` : ''
  }</td><td class="cl-line" style="padding:8px 0;border-top:1px solid ${L.line};vertical-align:top;text-align:right;white-space:nowrap"><b>${esc(
    o.value,
  )}</b>${o.chip ? `<br>${o.chip}` : ''}</td></tr>`;

export const metricTable = (lines: readonly string[]): string =>
  lines.length
    ? `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;font-size:14px;line-height:20px">${lines.join('')}</table>`
    : '';

const CELL = `padding:6px 8px;border-top:1px solid ${L.line};vertical-align:top`;

/** A small data table with a head row (restatement, rejected rows, freshness); cells are text, escaped here. */
export const dataTable = (
  head: readonly string[],
  rows: readonly (readonly string[])[],
  options: { right?: readonly number[] } = {},
): string => {
  const align = (i: number) => (options.right?.includes(i) ? 'right' : 'left');
  const th = head
    .map(
      (h, i) =>
        `<th class="cl-soft cl-muted" style="padding:6px 8px;background:${L.soft};color:${L.muted};font-size:12px;text-align:${align(i)}">${esc(h)}</th>`,
    )
    .join('');
  const tr = rows
    .map(
      (r) =>
        `<tr>${r.map((c, i) => `<td class="cl-line" style="${CELL}${i > 0 && options.right?.includes(i) ? ';text-align:right' : ''}">${esc(c)}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;margin:4px 0 8px;font-size:13px;line-height:18px;word-break:break-word"><tr>${th}</tr>${tr}</table>`;
};

/** One period of a trend: its value and the tone of its status. */
export interface TrendPoint {
  readonly value: number;
  readonly tone: Tone;
}

const SPARK_HEIGHT = 26;

/**
 * Bar heights in px for a trend: from 0 when the values spread over much of their size (counts
 * that halve), else from a little below the minimum, so a rating moving between 3.8 and 4.3 shows.
 */
const barHeights = (points: readonly TrendPoint[], height: number) => {
  const values = points.map((p) => p.value);
  const min = Math.min(...values);
  const high = Math.max(...values);
  const low = min <= 0 || min <= high / 2 ? Math.min(0, min) : min - (high - min) * 0.25;
  const span = high - low;
  return values.map((v) => (span > 0 ? Math.max(2, Math.round(((v - low) / span) * height)) : 2));
};

/**
 * A trend as vertical bars, one per period, coloured by that period's status: divs of fixed
 * height in table cells (mail clients drop SVG and images need hosting).
 */
export const sparkline = (points: readonly TrendPoint[], barWidth = 7): string => {
  if (points.length < 2) return '';
  const heights = barHeights(points, SPARK_HEIGHT);
  const cells = points
    .map(
      (p, i) =>
        `<td style="vertical-align:bottom;padding-right:2px"><div style="width:${barWidth}px;height:${heights[i]}px;background:${BAR[p.tone]}"></div></td>`,
    )
    .join('');
  return `<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;margin-top:6px;height:${SPARK_HEIGHT}px;font-size:0;line-height:0"><tr>${cells}</tr></table>`;
};

const BLOCKS = '▁▂▃▄▅▆▇█';

/** The same trend in plain text: ▁▃▅▇. */
export const sparklineText = (values: readonly number[]): string => {
  if (values.length < 2) return '';
  return barHeights(
    values.map((value) => ({ value, tone: 'neutral' as const })),
    BLOCKS.length * 4,
  )
    .map((h) => BLOCKS[Math.min(BLOCKS.length - 1, Math.max(0, Math.ceil(h / 4) - 1))])
    .join('');
};

/** A KPI tile: label, value, status chip, change, details and trend. */
export interface Tile {
  readonly label: string;
  readonly value: string;
  readonly chip: string;
  readonly change: string;
  /** Small lines under the change (target, interval). */
  readonly details?: readonly string[];
  readonly trend: string;
}

/** Tiles are at least this tall (inner px), so a row of them lines up. */
const TILE_HEIGHT = 176;

/**
 * KPI tiles as inline blocks that wrap: 3-4 tiles sit four to a row at 600 px and two at 375 px;
 * 5-6 sit three to a row, and two at 375 px.
 */
export const tiles = (items: readonly Tile[]): string => {
  const width = items.length <= 4 ? 132 : 152;
  const blocks = items
    .map(
      (t) =>
        `<div class="cl-tile" style="display:inline-block;vertical-align:top;width:100%;max-width:${width}px;margin:0 4px 8px;text-align:left"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" class="cl-soft" style="background:${L.soft};border-radius:6px"><tr><td style="padding:10px 10px 9px;height:${TILE_HEIGHT}px;vertical-align:top"><div class="cl-muted" style="font-size:12px;line-height:16px;height:32px;overflow:hidden;color:${L.muted}">${esc(
          t.label,
        )}</div><div class="cl-text" style="font-size:21px;line-height:28px;font-weight:bold;white-space:nowrap;color:${L.text}">${esc(t.value)}</div>${t.chip}<div class="cl-text" style="font-size:12px;line-height:17px;margin-top:4px;color:${L.text}">${esc(
          t.change,
        )}</div>${(t.details ?? [])
          .map((d) => `<div class="cl-muted" style="font-size:11px;line-height:15px;color:${L.muted}">${esc(d)}</div>`)
          .join('')}${t.trend}</td></tr></table></div>`,
    )
    .join('');
  return `<div style="margin:0 -4px 4px;text-align:left">${blocks}</div>`;
};

export interface EmailFrame {
  readonly locale: Locale;
  /** The subject: the document's title. */
  readonly title: string;
  /** What an inbox shows next to the subject. */
  readonly preheader: string;
  /** "crosslift · Weekly report", above the heading. */
  readonly kind: string;
  /** The cooperation (or file) the email is about. */
  readonly heading: string;
  /** The period, or what the email is about in a few words. */
  readonly subheading?: string;
  /** The body's HTML, escaped by the helpers above. */
  readonly body: string;
  /** Footer lines (text). */
  readonly footer: readonly string[];
}

/** The HTML document every email kind shares: header, body, footer, in a 600 px card. */
export const emailDocument = (f: EmailFrame): string => `<!doctype html>
<html lang="${esc(f.locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light dark"><meta name="supported-color-schemes" content="light dark"><title>${esc(
  f.title,
)}</title><style>${DARK_CSS}</style></head>
<body class="cl-page" style="margin:0;padding:0;background:${L.page};font-family:${FONT}">
<div style="display:none;max-height:0;overflow:hidden;mso-hide:all">${esc(f.preheader)}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" class="cl-page" style="background:${L.page}"><tr><td align="center" style="padding:16px 8px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" class="cl-card cl-edge" style="max-width:600px;background:${L.card};color:${L.text};border-top:4px solid ${L.accent};border-radius:6px;font-family:${FONT};text-align:left">
<tr><td style="padding:18px 16px 4px">
<div class="cl-accent" style="font-size:12px;line-height:16px;font-weight:bold;letter-spacing:.04em;color:${L.accent}">${esc(f.kind)}</div>
<h1 class="cl-text" style="margin:4px 0 2px;font-size:21px;line-height:27px;color:${L.text};word-break:break-word">${esc(f.heading)}</h1>
${f.subheading ? `<div class="cl-muted" style="font-size:13px;line-height:18px;color:${L.muted}">${esc(f.subheading)}</div>` : ''}
</td></tr>
<tr><td style="padding:6px 16px 8px">
${f.body}
</td></tr>
<tr><td class="cl-line" style="padding:12px 16px 18px;border-top:1px solid ${L.line}">
${f.footer
  .filter((line) => line !== '')
  .map(
    (line) =>
      `<p class="cl-muted" style="margin:4px 0;font-size:12px;line-height:17px;color:${L.muted}">${esc(line)}</p>`,
  )
  .join('\n')}
</td></tr></table>
</td></tr></table>
</body></html>`;

/** A section of the plain-text part: a heading and its lines. */
export interface TextSection {
  readonly heading?: string;
  readonly lines: readonly string[];
}

/** The plain-text part every email kind shares: the same header, sections and footer as the HTML. */
export const textDocument = (o: {
  readonly kind: string;
  readonly heading: string;
  readonly subheading?: string;
  readonly banner?: string;
  readonly sections: readonly TextSection[];
  readonly footer: readonly string[];
}): string =>
  [
    [o.kind, o.heading, o.subheading ?? ''].filter((l) => l !== '').join('\n'),
    o.banner ?? '',
    ...o.sections
      .filter((s) => s.lines.length > 0)
      .map((s) =>
        [
          ...(s.heading
            ? [
                s.heading,
                '-'.repeat(Math.min(40, [...s.heading].length * ([...s.heading].some((c) => c > '\u2e7f') ? 2 : 1))),
              ]
            : []),
          ...s.lines,
        ].join('\n'),
      ),
    ['--', ...o.footer.filter((l) => l !== '')].join('\n'),
  ]
    .filter((block) => block !== '')
    .join('\n\n');
