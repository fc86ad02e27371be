import { describe, expect, it } from 'vitest';
import {
  BAR,
  DARK,
  LIGHT,
  banner,
  chip,
  clip,
  emailDocument,
  sparkline,
  sparklineText,
  textDocument,
  tiles,
  type Scheme,
} from '../../../shared/mail/layout';
import { contrast, mailClientProblems } from './mail-safety';

describe('the email layout', () => {
  it('meets WCAG AA contrast for text in the light and the dark scheme', () => {
    for (const [name, s] of [
      ['light', LIGHT],
      ['dark', DARK],
    ] as [string, Scheme][]) {
      const pairs: [string, string, string][] = [
        ['text on card', s.text, s.card],
        ['text on tile', s.text, s.soft],
        ['muted on card', s.muted, s.card],
        ['muted on tile', s.muted, s.soft],
        ['accent on card', s.accent, s.card],
        ...Object.entries(s.tones).map(([tone, c]): [string, string, string] => [`${tone} chip`, c.fg, c.bg]),
      ];
      for (const [what, fg, bg] of pairs) expect(contrast(fg, bg), `${name}: ${what}`).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('draws trend bars that stand out from the card in both schemes (3:1 for graphics)', () => {
    for (const colour of Object.values(BAR)) {
      expect(contrast(colour, LIGHT.card)).toBeGreaterThanOrEqual(3);
      expect(contrast(colour, DARK.card)).toBeGreaterThanOrEqual(3);
    }
  });

  it('writes every status with a symbol and a word, never colour alone', () => {
    expect(chip('bad', '✗', 'off target')).toContain('✗ off target');
    expect(banner('good', '✓', 'All 4 targets met')).toContain('✓ All 4 targets met');
  });

  it('builds a 600 px document that mail clients keep, escaping what it is given', () => {
    const html = emailDocument({
      locale: 'en',
      title: '<b>t</b>',
      preheader: 'p',
      kind: 'crosslift · Weekly report',
      heading: '<script>alert(1)</script>',
      body: tiles([
        {
          label: 'Enrollments',
          value: '118',
          chip: chip('good', '✓', 'met'),
          change: '▲ +2',
          details: ['target >= 80'],
          trend: sparkline([
            { value: 1, tone: 'good' },
            { value: 2, tone: 'bad' },
          ]),
        },
      ]),
      footer: ['<i>f</i>'],
    });
    expect(mailClientProblems(html)).toEqual([]);
    expect(html).toContain('max-width:600px');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<i>');
    expect(html).toContain('<meta name="color-scheme" content="light dark">');
  });

  it('draws a trend as one bar per period, and in text as block characters', () => {
    const bars = sparkline([1, 2, 3, 4].map((value) => ({ value, tone: 'good' as const })));
    expect(bars.match(/<div /g)).toHaveLength(4);
    expect(sparkline([{ value: 1, tone: 'good' }])).toBe('');
    expect(sparklineText([0, 1, 2, 4])).toBe('▁▂▄█');
    // A rating that moves little still shows its moves (the bars do not start at 0).
    expect(sparklineText([4.0, 4.1, 4.3])).toBe('▂▄█');
  });

  it('cuts long names from config or data', () => {
    expect(clip('x'.repeat(500), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(clip('short', 10)).toBe('short');
  });

  it('lays out the plain-text part with the same header, sections and footer', () => {
    const text = textDocument({
      kind: 'crosslift · Alert',
      heading: 'Coop',
      banner: '✗ 1 alert firing',
      sections: [
        { heading: 'Lines', lines: ['- a'] },
        { heading: 'Empty', lines: [] },
      ],
      footer: ['Why you get this.'],
    });
    expect(text).toBe('crosslift · Alert\nCoop\n\n✗ 1 alert firing\n\nLines\n-----\n- a\n\n--\nWhy you get this.');
  });
});
