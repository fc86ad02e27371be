import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  renderStatus,
  renderVerdict,
  summariseVerdict,
  targetBound,
  targetStatus,
  type TargetStatus,
} from '../../../shared/verdicts/target-status';

const met: TargetStatus = { outcome: 'met', basis: 'interval' };
const notMet: TargetStatus = { outcome: 'not_met', basis: 'interval' };
const below: TargetStatus = { outcome: 'inconclusive', basis: 'interval', side: 'below' };
const above: TargetStatus = { outcome: 'inconclusive', basis: 'interval', side: 'above' };
const note = 'n = 4 is below the minimum sample of 10';
const short: TargetStatus = { outcome: 'insufficient_data', n: 4, minSample: 10, note };

describe('targetStatus', () => {
  it("calls the example's pooled 3.95 [3.81, 4.09] vs >= 4.2 not met, a straddling week inconclusive below", () => {
    // Prepare: pooled W41-W47 and W42 of the example (issue 12)
    const pooled = { value: 3.95, n: 228, ci: [3.81, 4.09] as const };
    const week42 = { value: 3.88, n: 26, ci: [3.44, 4.33] as const };
    // Act
    const pooledStatus = targetStatus(pooled, { min: 4.2 }, 10);
    const weekStatus = targetStatus(week42, { min: 4.2 }, 10);
    // Assess
    expect(pooledStatus).toEqual({ outcome: 'not_met', basis: 'interval' });
    expect(weekStatus).toEqual({ outcome: 'inconclusive', basis: 'interval', side: 'below' });
  });

  it('is met only when the whole interval is on the right side, for min and max targets', () => {
    // Prepare
    const cases = [
      { ci: [4.05, 4.45], target: { min: 4.0 }, expected: 'met' },
      { ci: [4.0, 4.45], target: { min: 4.0 }, expected: 'met' }, // the bound itself meets the target
      { ci: [3.39, 4.12], target: { min: 4.0 }, expected: 'inconclusive' },
      { ci: [3.2, 3.99], target: { min: 4.0 }, expected: 'not_met' },
      { ci: [0.01, 0.04], target: { max: 0.05 }, expected: 'met' },
      { ci: [0.03, 0.07], target: { max: 0.05 }, expected: 'inconclusive' },
      { ci: [0.051, 0.07], target: { max: 0.05 }, expected: 'not_met' },
    ] as const;
    for (const c of cases) {
      // Act
      const status = targetStatus({ value: (c.ci[0] + c.ci[1]) / 2, n: 100, ci: c.ci }, c.target, 30);
      // Assess
      expect(status.outcome, JSON.stringify(c)).toBe(c.expected);
    }
  });

  it('gives an inconclusive status the side of the point estimate (on the bound: the target side)', () => {
    // Prepare / Act
    const minBelow = targetStatus({ value: 3.9, n: 50, ci: [3.6, 4.2] }, { min: 4 }, 10);
    const minAbove = targetStatus({ value: 4.1, n: 50, ci: [3.8, 4.4] }, { min: 4 }, 10);
    const minOn = targetStatus({ value: 4, n: 50, ci: [3.7, 4.3] }, { min: 4 }, 10);
    const maxAbove = targetStatus({ value: 0.06, n: 500, ci: [0.04, 0.08] }, { max: 0.05 }, 30);
    const maxOn = targetStatus({ value: 0.05, n: 500, ci: [0.04, 0.06] }, { max: 0.05 }, 30);
    // Assess
    expect(minBelow).toMatchObject({ outcome: 'inconclusive', side: 'below' });
    expect(minAbove).toMatchObject({ outcome: 'inconclusive', side: 'above' });
    expect(minOn).toMatchObject({ outcome: 'inconclusive', side: 'above' });
    expect(maxAbove).toMatchObject({ outcome: 'inconclusive', side: 'above' });
    expect(maxOn).toMatchObject({ outcome: 'inconclusive', side: 'below' });
  });

  it('compares the value alone in point mode or without an interval, and says so', () => {
    // Prepare / Act
    const count = targetStatus({ value: 79, n: 79 }, { min: 80 }, 1);
    const countMet = targetStatus({ value: 80, n: 80 }, { min: 80 }, 1);
    const forcedPoint = targetStatus({ value: 4.1, n: 50, ci: [3.8, 4.4] }, { min: 4, mode: 'point' }, 10);
    // Assess
    expect(count).toEqual({ outcome: 'not_met', basis: 'point' });
    expect(countMet).toEqual({ outcome: 'met', basis: 'point' });
    expect(forcedPoint).toEqual({ outcome: 'met', basis: 'point' });
    expect(renderStatus(countMet, 'en')).toBe('met (value only, no interval)');
    expect(renderStatus(count, 'zh-CN')).toBe('未达标（仅按数值，无区间）');
  });

  it('never judges below the minimum sample or without a value', () => {
    // Prepare / Act
    const few = targetStatus({ value: 2.0, n: 9, ci: [1.2, 2.8] }, { min: 4 }, 10);
    const overridden = targetStatus({ value: 2.0, n: 12, ci: [1.5, 2.5] }, { min: 4, minSample: 20 }, 10);
    const missing = targetStatus({ value: null, n: 0 }, { min: 4 }, 10);
    // Assess
    const note9 = 'n = 9 is below the minimum sample of 10';
    expect(few).toEqual({ outcome: 'insufficient_data', n: 9, minSample: 10, note: note9 });
    expect(overridden).toMatchObject({ outcome: 'insufficient_data', minSample: 20 });
    expect(missing).toMatchObject({ outcome: 'insufficient_data', note: 'no value could be computed' });
    expect(renderStatus(few, 'en')).toBe('insufficient data (n = 9, minimum 10)');
  });

  it('is met iff the lower bound reaches a min target, not met iff the upper bound misses it (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -100, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 10, noNaN: true }),
        fc.double({ min: -100, max: 100, noNaN: true }),
        (value, down, up, bound) => {
          // Prepare
          const ci = [value - down, value + up] as const;
          // Act
          const status = targetStatus({ value, n: 100, ci }, { min: bound }, 10);
          // Assess: exactly one outcome, by a direct reading of the definition
          const expected = ci[0] >= bound ? 'met' : ci[1] < bound ? 'not_met' : 'inconclusive';
          expect(status.outcome).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses a target without exactly one of min and max', () => {
    // Prepare / Act / Assess
    expect(() => targetBound({})).toThrow();
    expect(() => targetBound({ min: 1, max: 2 })).toThrow();
    expect(targetBound({ max: 0.05 })).toEqual({ direction: 'max', bound: 0.05 });
  });
});

describe('summariseVerdict and renderVerdict', () => {
  it('says "All 4 targets met" only when every targeted metric is met', () => {
    // Prepare
    const statuses = [met, met, met, met];
    // Act
    const verdict = summariseVerdict(statuses, false);
    // Assess
    expect(verdict.kind).toBe('all_met');
    expect(renderVerdict(verdict, 'en')).toBe('All 4 targets met');
    expect(renderVerdict(verdict, 'zh-CN')).toBe('全部 4 项目标均已达成');
    expect(renderVerdict(summariseVerdict([met], false), 'en')).toBe('Target met');
  });

  it('counts off-target and not-confirmed metrics, worst first, in both locales', () => {
    // Prepare
    const statuses = [notMet, below, below, met];
    // Act
    const verdict = summariseVerdict(statuses, false);
    // Assess
    expect(verdict).toEqual({
      kind: 'attention',
      total: 4,
      met: 1,
      metByPointOnly: 0,
      notMet: 1,
      inconclusiveBelow: 2,
      inconclusiveAbove: 0,
      insufficient: 0,
    });
    expect(renderVerdict(verdict, 'en')).toBe('1 off target, 2 not confirmed (estimates below target), 1 met');
    expect(renderVerdict(verdict, 'zh-CN')).toBe('1 项未达标，2 项尚未确认（估计值低于目标），1 项达标');
  });

  it('names both sides when not-confirmed estimates fall on both, and counts missing data', () => {
    // Prepare
    const statuses = [below, above, short];
    // Act
    const verdict = summariseVerdict(statuses, false);
    // Assess
    const expected = '2 not confirmed (1 estimate below target, 1 above), 1 without enough data';
    expect(renderVerdict(verdict, 'en')).toBe(expected);
    expect(renderVerdict(verdict, 'zh-CN')).toBe('2 项尚未确认（1 项估计值低于目标，1 项高于目标），1 项数据不足');
    expect(renderVerdict(summariseVerdict([above], false), 'en')).toBe('1 not confirmed (estimate above target)');
  });

  it('never says met or on target in a provisional report, even when every count is met', () => {
    // Prepare
    const statuses = [met, met];
    // Act
    const verdict = summariseVerdict(statuses, true);
    // Assess
    expect(verdict.kind).toBe('provisional');
    expect(renderVerdict(verdict, 'en')).toBe('Provisional (data incomplete): 2 met so far');
    expect(renderVerdict(verdict, 'zh-CN')).toBe('暂定（数据不完整）：目前 2 项达标');
    expect(renderVerdict(summariseVerdict([], true), 'en')).toBe('Provisional (data incomplete)');
  });

  it('says "on target" or "all met" only when every status is met (property)', () => {
    const metByPoint: TargetStatus = { outcome: 'met', basis: 'point' };
    const anyStatus = fc.constantFrom(met, notMet, below, above, short, metByPoint);
    fc.assert(
      fc.property(fc.array(anyStatus, { maxLength: 12 }), fc.boolean(), (statuses, provisional) => {
        // Prepare / Act
        const verdict = summariseVerdict(statuses, provisional);
        const text = renderVerdict(verdict, 'en');
        // Assess
        const allMet = !provisional && statuses.length > 0 && statuses.every((s) => s.outcome === 'met');
        expect(verdict.kind === 'all_met').toBe(allMet);
        expect(/All \d+ targets met|^Target met/.test(text)).toBe(allMet);
        expect(text).not.toMatch(/on target/);
      }),
      { numRuns: 300 },
    );
  });

  it('has a verdict for a report without targets', () => {
    // Prepare / Act / Assess
    expect(renderVerdict(summariseVerdict([], false), 'en')).toBe('No targets set');
    expect(renderVerdict(summariseVerdict([], false), 'zh-CN')).toBe('未设置目标');
  });
});
