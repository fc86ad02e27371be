import { describe, expect, it } from 'vitest';
import type { AlertDraft } from '../../../shared/alerts/evaluate';
import { renderAlertEmail } from '../../../shared/alerts/render-alert';
import { mailClientProblems, visibleText } from '../mail/mail-safety';

const firing: AlertDraft = {
  key: 'ad_roas',
  metric: 'ad_roas',
  transition: 'firing',
  period: '2026-W45',
  value: 1.76,
  ci: [1.52, 2],
  target: { min: 2.5 },
  n: 7,
  line: {
    kind: 'firing',
    value: 1.76,
    ci: [1.52, 2],
    target: { direction: 'min', bound: 2.5 },
    z: 5,
    cusum: 4,
    threshold: 3.5,
  },
};
const noData: AlertDraft = { key: 'data:feedback', metric: 'data:feedback', transition: 'no_data', period: '2026-W45' };
const resolved: AlertDraft = {
  key: 'enrollments',
  metric: 'enrollments',
  transition: 'resolved',
  period: '2026-W45',
  line: {
    kind: 'resolved',
    by: 'two_periods_meeting',
    value: 65,
    target: { direction: 'min', bound: 50 },
    z: -1,
    cusum: 0,
    threshold: 3.5,
  },
  n: 65,
};

describe('the alert email', () => {
  it('carries every transition in one email, each with a symbol, a word and its numbers', () => {
    const { subject, text, html } = renderAlertEmail({
      cooperationName: 'Joint ads',
      transitions: [firing, noData, resolved],
      locale: 'en',
      currency: 'CNY',
    });
    expect(subject).toBe('[Alert] Joint ads 2026-W45: 2 alerts firing');
    expect(text.split('\n\n').slice(0, 3)).toEqual([
      'crosslift · Alert\nJoint ads\n2026-W45',
      '✗ 2 alerts firing',
      '3 alerts changed state.\n-----------------------\n' +
        '- Ad ROAS: off target (2026-W45): off target over recent periods: 1.76 [1.52-2] vs >= 2.5, n = 7\n' +
        '- feedback: no data arrived (2026-W45)\n' +
        '- Enrollments: resolved (2026-W45): back on target (estimate met the target two final periods running): 65 >= 50, n = 65',
    ]);
    const seen = visibleText(html);
    expect(seen).toContain(
      'Ad ROAS off target over recent periods: 1.76 [1.52-2] vs >= 2.5, n = 7 2026-W45 ✗ off target',
    );
    expect(seen).toContain('feedback 2026-W45 ! no data arrived');
    expect(seen).toContain('✓ resolved');
    expect(seen).toContain('How alerts decide');
    expect(mailClientProblems(html)).toEqual([]);
  });

  it('speaks Chinese to a zh-CN recipient, subject included, and escapes the cooperation name', () => {
    const { subject, html, text } = renderAlertEmail({
      cooperationName: '<b>联合</b>',
      transitions: [resolved],
      locale: 'zh-CN',
      currency: 'CNY',
    });
    expect(subject).toBe('[告警] <b>联合</b> 2026-W45: 告警已解除');
    expect(text.split('\n')[0]).toBe('crosslift · 告警');
    expect(text).toContain('- 报名人数: 已解除 (2026-W45): 已恢复达标（连续两个最终周期估计值达标）：65 ≥ 50, n = 65');
    expect(html).not.toContain('<b>联合');
    expect(html).toContain('&lt;b&gt;联合&lt;/b&gt;');
    expect(mailClientProblems(html)).toEqual([]);
  });
});
