import { describe, expect, it } from 'vitest';
import { binomialUpperTail, estimateImpact, placeboRateTooHigh } from '../../../shared/impact/estimate-impact';
import type { DayValue } from '../../../shared/impact/types';
import { DEFAULT_SCENARIO, normalSampler, seededRandom, simulateImpact, type Scenario } from './simulated-series';

const SCENARIO: Scenario = { ...DEFAULT_SCENARIO, innovationSd: 5 };
const FAST = { placebo: false, daily: false } as const;

const addDays = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** A plain noisy series (no effect) from `first` for `days` days. */
const noisySeries = (first: string, days: number, seed: number, level = 100, sd = 5): DayValue[] => {
  const normal = normalSampler(seededRandom(seed));
  return Array.from({ length: days }, (_, i) => ({ day: addDays(first, i), value: level + sd * normal() }));
};

describe('estimateImpact on a known effect', () => {
  it('reports the effect with an interval covering the truth, the period share, fit, placebo and daily band', () => {
    // Prepare: 16 weeks before, 6 weeks after, +10 a day (10% of the level)
    const { input, trueEffect } = simulateImpact(SCENARIO, 3);
    // Act
    const result = estimateImpact(input);
    // Assess
    expect(result.status).toBe('effect');
    expect(result.withControls).toBe(true);
    const cumulative = result.cumulative!;
    expect(cumulative.since).toBe(input.start);
    expect(cumulative.days).toBe(42);
    expect(cumulative.ci[0]).toBeLessThan(trueEffect);
    expect(cumulative.ci[1]).toBeGreaterThan(trueEffect);
    expect(cumulative.ci[0]).toBeGreaterThan(0);
    expect(cumulative.effect).toBeCloseTo(cumulative.actual - cumulative.counterfactual, 9);
    expect(cumulative.relativeEffect).toBeCloseTo(cumulative.effect / cumulative.counterfactual, 12);
    expect(cumulative.pValue).toBeLessThan(0.05);
    expect(result.period).toMatchObject({ from: input.period.startDay, to: input.period.endDay, days: 7 });
    expect(result.fit.preperiodDays).toBe(112);
    expect(result.fit.mape).toBeGreaterThan(0.02);
    expect(result.fit.mape).toBeLessThan(0.1);
    expect(result.fit.autocorrelation).toBeGreaterThan(0.2);
    expect(result.placebo.checks).toBe(5);
    expect(result.daily).toHaveLength(42);
    const sumOfDaily = result.daily.reduce((s, d) => s + d.counterfactual!, 0);
    expect(sumOfDaily).toBeCloseTo(cumulative.counterfactual, 6);
    for (const day of result.daily) expect(day.low!).toBeLessThan(day.counterfactual!);
  });

  it('gives the same result for the same data, whatever the order of the rows', () => {
    // Prepare
    const { input } = simulateImpact(SCENARIO, 4);
    const controls = input.controls!.map((c) => [...c].reverse());
    const shuffled = { ...input, outcome: [...input.outcome].reverse(), controls };
    // Act
    const first = estimateImpact(input);
    const again = estimateImpact(input);
    const reordered = estimateImpact(shuffled);
    // Assess
    expect(again).toEqual(first);
    expect(reordered).toEqual(first);
  });

  it('without controls fits trend and weekdays only and says so', () => {
    // Prepare
    const { input, trueEffect } = simulateImpact({ ...SCENARIO, withControl: false }, 5);
    // Act
    const result = estimateImpact({ ...input, controls: undefined }, FAST);
    // Assess
    expect(result.withControls).toBe(false);
    expect(result.cumulative!.ci[0]).toBeLessThan(trueEffect);
    expect(result.cumulative!.ci[1]).toBeGreaterThan(trueEffect);
  });

  it('ignores data after asOf', () => {
    // Prepare
    const { input } = simulateImpact(SCENARIO, 6);
    const later = [{ day: addDays(input.asOf, 1), value: 1e9 }];
    const controlsLater = input.controls!.map((c) => [...c, { day: addDays(input.asOf, 1), value: -1e9 }]);
    // Act
    const plain = estimateImpact(input, FAST);
    const outcomeLater = [...input.outcome, ...later];
    const withLater = estimateImpact({ ...input, outcome: outcomeLater, controls: controlsLater }, FAST);
    // Assess
    expect(withLater).toEqual(plain);
  });
});

describe('estimateImpact periods and pre-periods', () => {
  it('clips the period to start..asOf and gives null for a period before start', () => {
    // Prepare
    const { input } = simulateImpact(SCENARIO, 7);
    // Act
    const withPeriod = (startDay: string, endDay: string) =>
      estimateImpact({ ...input, period: { startDay, endDay } }, FAST);
    const straddling = withPeriod(addDays(input.start, -10), addDays(input.start, 3));
    const beyond = withPeriod(addDays(input.asOf, -2), addDays(input.asOf, 20));
    const before = withPeriod(addDays(input.start, -10), addDays(input.start, -1));
    // Assess
    expect(straddling.period).toMatchObject({ from: input.start, to: addDays(input.start, 3), days: 4 });
    expect(beyond.period).toMatchObject({ from: addDays(input.asOf, -2), to: input.asOf, days: 3 });
    expect(before.period).toBeNull();
    expect(before.cumulative).not.toBeNull();
  });

  it('fits only on the given pre-period, and predicts across a gap before start', () => {
    // Prepare: leave out the first two weeks and the last week before start (a launch ramp)
    const { input } = simulateImpact(SCENARIO, 8);
    const from = addDays(input.outcome[0]!.day, 14);
    const to = addDays(input.start, -8);
    // Act
    const result = estimateImpact({ ...input, preperiod: { from, to } }, FAST);
    // Assess
    expect(result.fit).toMatchObject({ from, to, preperiodDays: 112 - 14 - 7 });
    expect(result.cumulative!.days).toBe(42);
  });

  it('skips missing days in the fit and in the sums, and still draws the counterfactual on them', () => {
    // Prepare: a tenth of the days missing at random, plus a whole week after start
    const { input } = simulateImpact({ ...SCENARIO, missingShare: 0.1 }, 9);
    const weekGone = new Set(Array.from({ length: 7 }, (_, i) => addDays(input.start, 10 + i)));
    const outcome = input.outcome.filter((d) => !weekGone.has(d.day));
    const postWithData = outcome.filter((d) => d.day >= input.start).length;
    const preWithData = outcome.filter((d) => d.day < input.start).length;
    // Act
    const result = estimateImpact({ ...input, outcome }, { placebo: false });
    // Assess
    expect(result.status).not.toBe('insufficient_data');
    expect(result.fit.preperiodDays).toBe(preWithData);
    expect(result.cumulative!.days).toBe(postWithData);
    const missing = result.daily.filter((d) => weekGone.has(d.day));
    expect(missing).toHaveLength(7);
    for (const day of missing) {
      expect(day.actual).toBeNull();
      expect(day.counterfactual).toEqual(expect.any(Number));
    }
  });

  it('handles a series without weekends: no weekend coefficients and no weekend counterfactual', () => {
    // Prepare
    const { input } = simulateImpact(SCENARIO, 10);
    const isWeekend = (day: string) => [0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay());
    const outcome = input.outcome.filter((d) => !isWeekend(d.day));
    // Act
    const result = estimateImpact({ ...input, outcome }, { placebo: false });
    // Assess
    expect(result.status).toBe('effect');
    expect(result.cumulative!.days).toBe(30);
    const weekend = result.daily.filter((d) => isWeekend(d.day));
    expect(weekend).toHaveLength(12);
    for (const day of weekend) expect(day).toMatchObject({ actual: null, counterfactual: null, low: null, high: null });
  });
});

describe('estimateImpact with too little data', () => {
  const start = '2026-06-01';
  const asOf = '2026-06-28';
  const period = { startDay: '2026-06-22', endDay: '2026-06-28' };

  it('needs 8 weeks of pre-period data: 55 days are insufficient, 56 are enough', () => {
    // Prepare
    const short = noisySeries(addDays(start, -55), 55 + 28, 1);
    const enough = noisySeries(addDays(start, -56), 56 + 28, 1);
    // Act
    const shortResult = estimateImpact({ outcome: short, start, asOf, period });
    const enoughResult = estimateImpact({ outcome: enough, start, asOf, period });
    // Assess
    expect(shortResult).toMatchObject({ status: 'insufficient_data', reasonCode: 'short_preperiod', cumulative: null });
    expect(shortResult.reason).toContain('55 days');
    expect(shortResult.fit.preperiodDays).toBe(55);
    expect(enoughResult.status).not.toBe('insufficient_data');
    expect(enoughResult.placebo).toEqual({ checks: 0, detections: 0, falsePositiveRate: null });
  });

  it('counts days with data, not calendar days, and only days where every control has data', () => {
    // Prepare: 100 calendar days before start, every other day missing; then a control with 40 days
    const sparse = noisySeries(addDays(start, -100), 128, 2).filter((_, i) => i % 2 === 0 || i >= 100);
    const full = noisySeries(addDays(start, -100), 128, 3);
    const control = noisySeries(addDays(start, -40), 68, 4, 300);
    // Act
    const sparseResult = estimateImpact({ outcome: sparse, start, asOf, period }, FAST);
    const controlResult = estimateImpact({ outcome: full, controls: [control], start, asOf, period }, FAST);
    // Assess
    expect(sparseResult).toMatchObject({ status: 'insufficient_data', reasonCode: 'short_preperiod' });
    expect(sparseResult.fit.preperiodDays).toBe(50);
    expect(controlResult).toMatchObject({
      status: 'insufficient_data',
      reasonCode: 'short_preperiod',
      withControls: true,
    });
    expect(controlResult.fit.preperiodDays).toBe(40);
  });

  it('needs 3 days per parameter: 60 days cannot carry 12 controls', () => {
    // Prepare
    const outcome = noisySeries(addDays(start, -60), 88, 5);
    const controls = Array.from({ length: 12 }, (_, i) => noisySeries(addDays(start, -60), 88, 100 + i, 50));
    // Act
    const result = estimateImpact({ outcome, controls, start, asOf, period }, FAST);
    // Assess
    expect(result).toMatchObject({ status: 'insufficient_data', reasonCode: 'too_many_parameters' });
    expect(result.reason).toContain('at least 63');
  });

  it('says so when the cooperation has not started or nothing arrived since', () => {
    // Prepare
    const outcome = noisySeries(addDays(start, -100), 100, 6);
    // Act
    const notStarted = estimateImpact({ outcome, start, asOf: addDays(start, -1), period }, FAST);
    const nothingSince = estimateImpact({ outcome, start, asOf, period }, FAST);
    // Assess
    expect(notStarted).toMatchObject({ status: 'insufficient_data', reasonCode: 'not_started', daily: [] });
    expect(nothingSince).toMatchObject({ status: 'insufficient_data', reasonCode: 'no_data_since_start' });
  });

  it('rejects a constant control, a control that repeats another, and an outcome without noise', () => {
    // Prepare
    const outcome = noisySeries(addDays(start, -100), 128, 7);
    const control = noisySeries(addDays(start, -100), 128, 8, 300);
    const constant = control.map((d) => ({ day: d.day, value: 42 }));
    const repeated = control.map((d) => ({ day: d.day, value: 2 * d.value + 5 }));
    const flat = outcome.map((d) => ({ day: d.day, value: 10 }));
    // Act
    const constantResult = estimateImpact({ outcome, controls: [control, constant], start, asOf, period }, FAST);
    const repeatedResult = estimateImpact({ outcome, controls: [control, repeated], start, asOf, period }, FAST);
    const flatResult = estimateImpact({ outcome: flat, start, asOf, period }, FAST);
    // Assess
    expect(constantResult).toMatchObject({ status: 'insufficient_data', reasonCode: 'constant_control' });
    expect(constantResult.reason).toContain('control #2');
    expect(repeatedResult).toMatchObject({ status: 'insufficient_data', reasonCode: 'collinear_design' });
    expect(repeatedResult.reason).toContain('control #2');
    expect(flatResult).toMatchObject({ status: 'insufficient_data', reasonCode: 'exact_fit' });
  });

  it('throws on malformed input: a bad day, a duplicate day, a non-finite value, a pre-period not before start', () => {
    // Prepare
    const outcome = noisySeries(addDays(start, -100), 128, 9);
    // Act / Assess
    const badDay = [...outcome, { day: '2026-02-30', value: 1 }];
    const duplicate = [...outcome, outcome[3]!];
    const notFinite = [...outcome.slice(1), { day: outcome[0]!.day, value: Number.NaN }];
    expect(() => estimateImpact({ outcome: badDay, start, asOf, period })).toThrow(/not a calendar day/);
    expect(() => estimateImpact({ outcome: duplicate, start, asOf, period })).toThrow(/more than one/);
    expect(() => estimateImpact({ outcome: notFinite, start, asOf, period })).toThrow(/finite/);
    const lateTo = { outcome, start, asOf, period, preperiod: { to: start } };
    expect(() => estimateImpact(lateTo)).toThrow(/before the cooperation/);
  });
});

describe('estimateImpact reliability checks', () => {
  it('marks a poor pre-period fit (MAPE above 20%) unreliable', () => {
    // Prepare: level 20, noise sd 8
    const start = '2026-06-01';
    const outcome = noisySeries(addDays(start, -112), 140, 11, 20, 8);
    // Act
    const period = { startDay: start, endDay: start };
    const result = estimateImpact({ outcome, start, asOf: addDays(start, 27), period });
    // Assess
    expect(result).toMatchObject({ status: 'unreliable', reasonCode: 'poor_fit' });
    expect(result.fit.mape).toBeGreaterThan(0.2);
    expect(result.cumulative).not.toBeNull();
  });

  it('marks a misspecified model (a curved trend) unreliable by its placebo detections', () => {
    // Prepare: a U-shaped outcome that a straight trend cannot follow
    const { input } = simulateImpact({ ...SCENARIO, effectShare: 0 }, 12);
    const n = input.outcome.length;
    const outcome = input.outcome.map((d, i) => ({ day: d.day, value: d.value + 160 * (i / n - 0.5) ** 2 }));
    // Act
    const result = estimateImpact({ ...input, outcome }, { daily: false });
    // Assess
    expect(result).toMatchObject({ status: 'unreliable', reasonCode: 'placebo_false_positives' });
    expect(result.placebo.detections).toBeGreaterThanOrEqual(2);
    expect(result.placebo.falsePositiveRate).toBe(result.placebo.detections / result.placebo.checks);
  });

  it('places placebo start dates every 7 days while 8 weeks stay to fit, up to the cap', () => {
    // Prepare
    const input16 = simulateImpact(SCENARIO, 13).input;
    const input26 = simulateImpact({ ...SCENARIO, preDays: 26 * 7 }, 13).input;
    // Act
    const sixteenWeeks = estimateImpact(input16, { daily: false });
    const twentySixWeeks = estimateImpact(input26, { daily: false });
    const capped = estimateImpact(input26, { daily: false, maxPlaceboChecks: 4 });
    // Assess: (112 - 28 - 56) / 7 + 1 = 5 and (182 - 28 - 56) / 7 + 1 = 15
    expect(sixteenWeeks.placebo.checks).toBe(5);
    expect(twentySixWeeks.placebo.checks).toBe(15);
    expect(capped.placebo.checks).toBe(4);
  });
});

describe('placeboRateTooHigh', () => {
  it('uses the binomial tail P(X >= x | n, p), which it computes exactly', () => {
    // Prepare / Act / Assess: 1 - 0.9^5, and P(X >= 3) = 10 (0.1^3)(0.9^2) + 5 (0.1^4)(0.9) + 0.1^5
    expect(binomialUpperTail(1, 5, 0.1)).toBeCloseTo(1 - 0.9 ** 5, 14);
    expect(binomialUpperTail(3, 5, 0.1)).toBeCloseTo(10 * 0.001 * 0.81 + 5 * 0.0001 * 0.9 + 0.00001, 14);
    expect(binomialUpperTail(0, 7, 0.1)).toBeCloseTo(1, 14);
  });

  it('needs a rate above 10% that chance (5% a check) explains with p < 0.05: 2 of 5, 3 of 15, 4 of 20', () => {
    // Prepare / Act / Assess: P(X >= 2 | 5, 5%) = 0.023, P(X >= 2 | 15, 5%) = 0.171, P(X >= 3 | 20, 5%) = 0.075
    expect(placeboRateTooHigh(1, 5)).toBe(false);
    expect(placeboRateTooHigh(2, 5)).toBe(true);
    expect(placeboRateTooHigh(2, 15)).toBe(false);
    expect(placeboRateTooHigh(3, 15)).toBe(true);
    expect(placeboRateTooHigh(3, 20)).toBe(false);
    expect(placeboRateTooHigh(4, 20)).toBe(true);
    expect(placeboRateTooHigh(1, 10)).toBe(false);
    expect(placeboRateTooHigh(0, 0)).toBe(false);
  });

  it('in strict mode flags any observed rate above 10%', () => {
    // Prepare / Act / Assess
    expect(placeboRateTooHigh(1, 5, true)).toBe(true);
    expect(placeboRateTooHigh(2, 15, true)).toBe(true);
    expect(placeboRateTooHigh(1, 10, true)).toBe(false);
  });
});
