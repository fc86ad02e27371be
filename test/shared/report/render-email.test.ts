import { describe, expect, it } from 'vitest';
import type { AlertLine } from '../../../shared/verdicts/alert-detector';
import type { Report } from '../../../shared/report/build-report';
import { formatMetric, metricLabel } from '../../../shared/report/format';
import { METRIC_NAMES } from '../../../shared/report/metrics';
import { metricGroup, renderReportEmail, TREND_PERIODS } from '../../../shared/report/render-email';
import { mailClientProblems, visibleText } from '../mail/mail-safety';
import { impact, manifestFile, sampleHistory, sampleReport } from './email-fixtures';

const render = (report: Report, options: Partial<Parameters<typeof renderReportEmail>[1]> = {}) =>
  renderReportEmail(report, { currency: 'CNY', locale: 'en', ...options });

/** The lines of a plain-text section, from its heading to the next heading. */
const section = (text: string, heading: string) => {
  const start = text.indexOf(`${heading}\n`);
  if (start < 0) return '';
  const rest = text.slice(start + heading.length + 1).replace(/^-+\n/, '');
  const next = rest.search(/\n\n[^\n ]+.*\n-+\n|\n\n--\n/);
  return next < 0 ? rest : rest.slice(0, next);
};

/** The HTML of each KPI tile. */
const tilesOf = (html: string) =>
  html
    .split('class="cl-tile"')
    .slice(1)
    .map((t) => t.slice(t.indexOf('>') + 1, t.indexOf('</table></div>')));

const stillOffTarget: AlertLine = {
  kind: 'still_off_target',
  value: 1.8,
  ci: [1.6, 2],
  target: { direction: 'min', bound: 2.5 },
  z: 4,
  cusum: 5,
  threshold: 3.5,
};

describe('the report email', () => {
  it('leads with the verdict, then the tiles, what needs attention, the detail, the effect and the data behind it', () => {
    const { html, text, subject } = render(sampleReport({ impact: [impact('beacon-academy/total_enrollments')] }), {
      history: sampleHistory(sampleReport(), 11),
    });
    expect(subject).toBe(
      'Zhixue x Beacon joint AI course 2026-W47: 1 off target, 1 not confirmed (estimate below target), 1 without enough data, 2 met',
    );
    const seen = visibleText(html);
    const order = [
      '✗ 1 off target, 1 not confirmed (estimate below target), 1 without enough data, 2 met',
      'Enrollments 100 ✓ met',
      'What needs attention',
      'The detail',
      'What the cooperation caused',
      'Data behind this report',
      'You receive this as a recipient',
    ].map((s) => seen.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(text.split('\n').slice(0, 4)).toEqual([
      'crosslift · Weekly report',
      'Zhixue x Beacon joint AI course: 2026-W47 · 2026-11-16 to 2026-11-22',
      '',
      '✗ 1 off target, 1 not confirmed (estimate below target), 1 without enough data, 2 met',
    ]);
  });

  it('shows a tile per highlight with value, status word, change and a trend of the last 12 periods', () => {
    const report = sampleReport();
    const { html, text } = render(report, { history: sampleHistory(report, 15) });
    const tiles = tilesOf(html);
    expect(tiles.map((t) => visibleText(t).trim().split(' ')[0])).toEqual([
      'Enrollments',
      'Revenue',
      'Partner',
      'Average',
    ]);
    expect(visibleText(tiles[0]!)).toBe(' Enrollments 100 ✓ met ▲ +5 (+5.3%) target >= 80 95% 90 – 110 ');
    // Money is whole in a tile; the plain text keeps the cents.
    expect(visibleText(tiles[1]!)).toBe(
      ' Revenue CN¥13,346 · no target ▲ +CN¥667 (+5.3%) 95% CN¥12,011.10 – CN¥14,680.24 ',
    );
    expect(visibleText(tiles[3]!)).toContain('? not confirmed');
    for (const tile of tiles)
      expect(tile.match(/<div style="width:\d+px;height:\d+px;background/g)).toHaveLength(TREND_PERIODS);
    expect(text).toContain(
      'Enrollments: 100 · met · ▲ +5 (+5.3%) · target >= 80 · 95% 90 – 110 · last 12 periods ▂▃▃▄▅▅▆▆▇██▄',
    );
    expect(text).toContain('Revenue: CN¥13,345.67 · no target');
  });

  it('takes the tiles from highlights, and for reports stored before them, from the targeted metrics', () => {
    const chosen = render(
      sampleReport({ highlights: ['ad_spend', 'ad_roas', 'ad_cac', 'ad_conversions', 'ad_ctr'] }),
    ).html;
    expect(tilesOf(chosen).map((t) => visibleText(t).trim().split(' ').slice(0, 2).join(' '))).toEqual([
      'Ad spend',
      'Ad ROAS',
      'Ad cost',
      'Ad conversions',
      'Ad click-through',
    ]);
    const { highlights: _, ...old } = sampleReport();
    expect(tilesOf(render(old as Report).html).map((t) => visibleText(t).trim().split(' ')[0])).toEqual([
      'Enrollments',
      'Partner',
      'Ad',
      'Average',
    ]);
  });

  it('says a highlighted metric without data has none, instead of leaving it out', () => {
    const report = sampleReport();
    const { avg_rating: _, ...metrics } = report.metrics;
    const tiles = tilesOf(render({ ...report, metrics }).html);
    expect(visibleText(tiles[3]!)).toBe(' Average rating – – no data this period ');
  });

  it('lists under attention only the targets missed, not confirmed or not judged yet, each on one line, and the alerts firing', () => {
    const report = sampleReport();
    const { text, html } = render(report, {
      stillFiring: [{ metric: 'ad_roas', line: stillOffTarget }, { metric: 'data:feedback' }],
    });
    expect(section(text, 'What needs attention').split('\n')).toEqual([
      '✗ Ad ROAS: 5 [4.5 – 5.5], target >= 2.5 — off target',
      '? Average rating: 5.3 [4.77 – 5.83], target >= 4.2 — not confirmed (estimate below target)',
      '– Event attendance rate: 40% [36% – 44%], target >= 50% — insufficient data (n = 2, below the minimum sample)',
      'Alerts firing:',
      '  Ad ROAS: still off target: 1.8 [1.6-2] vs >= 2.5',
      '  feedback: no data arrived',
    ]);
    expect(visibleText(html)).toContain('! alert Ad ROAS: still off target: 1.8 [1.6-2] vs >= 2.5');
  });

  it('says when nothing needs attention', () => {
    const report = sampleReport();
    const metrics = Object.fromEntries(
      Object.entries(report.metrics).map(([n, m]) => [n, m!.target ? { ...m!, status: 'met' as const } : m]),
    );
    const { text } = render({
      ...report,
      metrics,
      verdict: {
        kind: 'all_met',
        total: 5,
        met: 5,
        metByPointOnly: 0,
        notMet: 0,
        inconclusiveBelow: 0,
        inconclusiveAbove: 0,
        insufficient: 0,
      },
    });
    expect(section(text, 'What needs attention')).toBe(
      'Nothing needs attention: no target is missed or unconfirmed, and no alert is firing.',
    );
    expect(text).toContain('✓ All 5 targets met');
  });

  it('groups the other metrics by dataset in the detail, each once', () => {
    const report = sampleReport();
    const { text, html } = render(report);
    const detail = section(text, 'The detail');
    expect(detail.split('\n').filter((l) => !l.startsWith('  '))).toEqual([
      'Enrollments:',
      'Referrals:',
      'Ads:',
      'Feedback:',
      'Events:',
      'Effect model:',
    ]);
    expect(detail).toContain('  Refund rate: 50% (95% 45% – 55%, Change +2.0 pp (+4.2%))');
    // Tiles and attention lines are not repeated.
    for (const shown of ['Enrollments: ', 'Revenue: ', 'Ad ROAS: ', 'Average rating: '])
      expect(detail).not.toContain(`  ${shown}`);
    expect(visibleText(html)).toMatch(
      / Enrollments Refund rate 95% 45% – 55% · Change \+2\.0 pp \(\+4\.2%\) 50% Referrals Referrals .* Effect model User scale \(U\) /,
    );
    expect(METRIC_NAMES.filter((n) => metricGroup(n) === 'model')).toEqual([
      'user_scale',
      'market_share',
      'brand_influence',
      'brand_share',
      'capability_score',
      'recommendation_score',
      'effect_score',
    ]);
  });

  it('writes every metric in the plain-text part', () => {
    const report = sampleReport();
    const { text } = render(report);
    for (const name of METRIC_NAMES) {
      expect(text).toContain(metricLabel(name, 'en'));
      expect(text).toContain(
        `${metricLabel(name, 'en')}: ${formatMetric(name, report.metrics[name]!.value, 'en', 'CNY')}`,
      );
    }
  });

  it('puts old and new values side by side in a restatement', () => {
    const { subject, html, text } = render(sampleReport(), {
      restatement: { enrollments: { before: 100, after: 118 }, nps: { before: null, after: 3.9 } },
    });
    expect(subject.startsWith('[Restated] Zhixue x Beacon joint AI course 2026-W47: ')).toBe(true);
    expect(visibleText(html)).toContain(
      'Late data changed this report. Changed values: Metric Before After Enrollments 100 118 NPS - 3.9',
    );
    expect(section(text, 'Late data changed this report. Changed values:')).toMatch(
      /^Enrollments: 100 -> 118\nNPS: - -> 3\.9\n\nEnrollments: 100 · met/,
    );
    expect(render(sampleReport(), { restatement: {} }).text).toContain(
      'Late data changed this report, but no metric value',
    );
  });

  it('tells which partner delivered which dataset, the latest file, and what is missing', () => {
    const report = sampleReport({
      state: 'provisional',
      missingDeliveries: [{ dataset: 'feedback', partnerId: 'school' }],
    });
    const { text, html } = render(report);
    expect(section(text, 'Data behind this report').split('\n')).toEqual([
      '✗ school · feedback: missing: expected every period',
      '✓ zhixue · enrollments: 2 files · latest enrollments-2026-w47.csv · data through 2026-11-22 · received 2026-11-23 09:30 +08:00',
      '✓ beacon-academy · feedback: feedback-2026-w47.json · data through 2026-11-22 · received 2026-11-23 09:30 +08:00',
    ]);
    expect(text).toContain('Provisional: still waiting for feedback (school).');
    expect(visibleText(html)).toContain('✗ feedback school missing: expected every period');
  });

  it("speaks the recipient's language, subject and groups included", () => {
    const { subject, text, html } = render(sampleReport(), { locale: 'zh-CN' });
    expect(subject).toBe(
      'Zhixue x Beacon joint AI course 2026-W47: 1 项未达标，1 项尚未确认（估计值低于目标），1 项数据不足，2 项达标',
    );
    expect(text.split('\n')[0]).toBe('crosslift · 周报');
    expect(section(text, '需要关注')).toContain('✗ 广告投资回报率：5 [4.5 – 5.5]，目标 >= 2.5 — 未达标');
    expect(
      section(text, '明细')
        .split('\n')
        .filter((l) => !l.startsWith('  ')),
    ).toEqual(['报名：', '推荐：', '广告：', '反馈：', '活动：', '效果模型：']);
    expect(html).toContain('<html lang="zh-CN">');
    expect(visibleText(html)).toContain('报名人数 100 ✓ 达标');
  });

  it('keeps to what mail clients render, in both languages and as a restatement', () => {
    const report = sampleReport({ impact: [impact('beacon-academy/total_enrollments')] });
    for (const locale of ['en', 'zh-CN'] as const) {
      for (const restatement of [undefined, { enrollments: { before: 1, after: 2 } }]) {
        const { html } = render(report, {
          locale,
          restatement,
          history: sampleHistory(report, 11),
          stillFiring: [{ metric: 'ad_roas', line: stillOffTarget }],
        });
        expect(mailClientProblems(html)).toEqual([]);
        expect(html).toContain('max-width:600px');
      }
    }
  });

  it('escapes every value from partner data and config', () => {
    const hostile = '<img src=x onerror=alert(1)>"\'&';
    const report = sampleReport({
      cooperationName: `<script>alert(1)</script>${hostile}`,
      missingDeliveries: [{ dataset: 'feedback', partnerId: hostile }],
      manifest: {
        files: [manifestFile(`inbox/joint-course/${hostile}/enrollments/${hostile}.csv`, { partnerId: hostile })],
        metricsVersion: '2',
        crossliftVersion: 'x',
      },
      impact: [impact(`${hostile}/series`)],
    });
    for (const locale of ['en', 'zh-CN'] as const) {
      const { html, text } = render(report, { locale, stillFiring: [{ metric: `data:${hostile}` }] });
      expect(html).not.toMatch(/<img|<script|onerror=alert\(1\)>/);
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;');
      expect(mailClientProblems(html)).toEqual([]);
      expect(text).toContain('<img src=x onerror=alert(1)>');
    }
  });

  it('stays under 100 KB of HTML whatever the data: 31 metrics, 12 periods, long names, many files, alerts and estimates', () => {
    const long = 'Very long partner-supplied name '.repeat(200);
    const base = sampleReport();
    const report = sampleReport({
      cooperationName: long,
      state: 'provisional',
      missingDeliveries: Array.from({ length: 40 }, (_, i) => ({
        dataset: 'feedback' as const,
        partnerId: `partner-${i}-${'x'.repeat(30)}`,
      })),
      manifest: {
        files: Array.from({ length: 2000 }, (_, i) =>
          manifestFile(
            `inbox/joint-course/partner-${i % 40}/${['enrollments', 'referrals', 'campaigns', 'feedback'][i % 4]}/${'f'.repeat(900)}-${i}.csv`,
          ),
        ),
        metricsVersion: '2',
        crossliftVersion: 'x',
      },
      highlights: ['enrollments', 'revenue', 'partner_enrollment_share', 'avg_rating', 'ad_roas', 'nps'],
      impact: Array.from({ length: 40 }, (_, i) => impact(`partner-${i}/series-${'s'.repeat(60)}`)),
    });
    const restatement = Object.fromEntries(METRIC_NAMES.map((n) => [n, { before: 1, after: 2 }]));
    const stillFiring = METRIC_NAMES.map((metric) => ({ metric, line: stillOffTarget }));
    for (const locale of ['en', 'zh-CN'] as const) {
      const { html, subject } = render(report, { locale, history: sampleHistory(base, 30), restatement, stillFiring });
      expect(Buffer.byteLength(html)).toBeLessThan(100_000);
      expect(subject.length).toBeLessThan(400);
      expect(mailClientProblems(html)).toEqual([]);
    }
  });
});
