import { describe, expect, it } from 'vitest';
import { impactSentence, roundForSentence } from '../../../shared/impact/sentence';
import type { ImpactResult } from '../../../shared/impact/types';

const result = (overrides: Partial<ImpactResult> & { effect?: number; ci?: [number, number] }): ImpactResult => {
  const { effect = 1746.3, ci = [1558.2, 1941.7], ...rest } = overrides;
  return {
    status: 'effect',
    withControls: true,
    period: null,
    cumulative: {
      from: '2026-09-07',
      to: '2026-11-22',
      days: 77,
      actual: 9000,
      counterfactual: 9000 - effect,
      effect,
      ci,
      since: '2026-09-07',
      relativeEffect: effect / (9000 - effect),
      pValue: 0.001,
    },
    fit: { preperiodDays: 120, from: '2026-05-10', to: '2026-09-06', mape: 0.06, autocorrelation: 0.4 },
    placebo: { checks: 9, detections: 0, falsePositiveRate: 0 },
    daily: [],
    ...rest,
  };
};

const EN = { locale: 'en', seriesLabel: 'enrollments', sinceLabel: '7 Sep' } as const;
const ZH = { locale: 'zh-CN', seriesLabel: '报名', sinceLabel: '9月7日' } as const;

describe('impactSentence', () => {
  it('states a detected effect with its interval, rounded to 3 significant digits', () => {
    // Prepare
    const detected = result({});
    // Act / Assess
    expect(impactSentence(detected, EN)).toBe(
      'The cooperation added about 1,750 enrollments since 7 Sep (95%: 1,560-1,940).',
    );
    expect(impactSentence(detected, ZH)).toBe('自9月7日以来，合作约新增报名 1,750（95% 区间：1,560-1,940）。');
  });

  it('states a negative effect as a shortfall against the counterfactual', () => {
    // Prepare
    const negative = result({ effect: -420, ci: [-731, -118] });
    // Act / Assess
    expect(impactSentence(negative, EN)).toBe(
      'Since 7 Sep, enrollments came in about 420 below the counterfactual without the cooperation ' +
        '(95%: 118-731 below).',
    );
    expect(impactSentence(negative, ZH)).toBe('自9月7日以来，报名比无合作时的预期约少 420（95% 区间：少 118-731）。');
  });

  it('claims nothing when the interval includes zero', () => {
    // Prepare
    const none = result({ status: 'no_detectable_effect', effect: 120.4, ci: [-81.2, 322] });
    // Act / Assess
    expect(impactSentence(none, EN)).toBe(
      'No detectable effect on enrollments since 7 Sep: about +120 against the counterfactual, ' +
        'but the 95% interval (-81 to +322) includes zero.',
    );
    expect(impactSentence(none, ZH)).toBe(
      '自9月7日以来未检测到合作对报名的影响：估计 +120，但 95% 区间（-81 至 +322）包含 0。',
    );
  });

  it('says the estimate is weaker without controls', () => {
    // Prepare
    const withoutControls = result({ withControls: false });
    // Act / Assess
    expect(impactSentence(withoutControls, EN)).toMatch(/\(95%: 1,560-1,940\)\. Estimated without control series/);
    expect(impactSentence(withoutControls, ZH)).toMatch(/（未使用对照序列，仅依据趋势和星期规律估计，结论较弱。）$/);
  });

  it('explains unreliable and insufficient estimates instead of giving a number', () => {
    // Prepare
    const placebo = result({
      status: 'unreliable',
      reasonCode: 'placebo_false_positives',
      placebo: { checks: 9, detections: 4, falsePositiveRate: 4 / 9 },
    });
    const poorFit = result({ status: 'unreliable', reasonCode: 'poor_fit', fit: { ...result({}).fit, mape: 0.34 } });
    const short = result({
      status: 'insufficient_data',
      reasonCode: 'short_preperiod',
      cumulative: null,
      fit: { preperiodDays: 40, from: null, to: null, mape: null, autocorrelation: null },
    });
    // Act / Assess
    expect(impactSentence(placebo, EN)).toBe(
      'The effect on enrollments since 7 Sep cannot be estimated reliably: ' +
        'on 4 of 9 fake start dates before the cooperation it found an effect that was not there.',
    );
    expect(impactSentence(placebo, ZH)).toBe(
      '自9月7日以来合作对报名的影响无法可靠估计：在合作前的 9 个虚拟开始日期中，有 4 个检测到了并不存在的影响。',
    );
    expect(impactSentence(poorFit, EN)).toContain('the model fits the pre-period poorly (MAPE 34%)');
    expect(impactSentence(short, EN)).toBe(
      'Not enough data to estimate the effect on enrollments: ' +
        'the pre-period has 40 days with data, and at least 56 (8 weeks) are needed.',
    );
    expect(impactSentence(short, ZH)).toBe(
      '数据不足，无法估计合作对报名的影响：合作前只有 40 天数据，至少需要 56 天（8 周）。',
    );
  });

  it("uses the caller's number format", () => {
    // Prepare
    const revenue = result({ effect: 12345.6, ci: [2000, 22000] });
    const format = (value: number) => `¥${Math.round(value)}`;
    // Act / Assess
    expect(impactSentence(revenue, { ...EN, seriesLabel: 'revenue', format })).toBe(
      'The cooperation added about ¥12346 revenue since 7 Sep (95%: ¥2000-¥22000).',
    );
  });
});

describe('roundForSentence', () => {
  it('keeps 3 significant digits from 100 and whole numbers below', () => {
    expect(roundForSentence(1746.3)).toBe(1750);
    expect(roundForSentence(-1558.2)).toBe(-1560);
    expect(roundForSentence(123_456)).toBe(123_000);
    expect(roundForSentence(42.7)).toBe(43);
    expect(roundForSentence(0.0456)).toBe(0.046);
  });
});
