import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expressChange, latestFinalPeriod, renderChange } from '../../../shared/verdicts/change';

const final = (value: number | null) => ({ value, provisional: false });

describe('expressChange', () => {
  it('expresses a proportion change in percentage points, with the relative change on a positive base', () => {
    // Prepare: a share from 30% to 32.5%
    // Act
    const change = expressChange(final(0.325), final(0.3), 'proportion');
    // Assess
    expect(change).toMatchObject({ kind: 'change', earlier: 0.3, unit: 'pp' });
    if (change.kind !== 'change') throw new Error('expected a change');
    expect(change.difference).toBeCloseTo(2.5, 12);
    expect(change.relative).toBeCloseTo(0.025 / 0.3, 12);
    expect(renderChange(change, 'en')).toBe('+2.5 pp (+8.3%)');
    expect(renderChange(change, 'zh-CN')).toBe('+2.5 个百分点（+8.3%）');
  });

  it('shows no relative change on a negative or zero base (an NPS of -20 going to -14.3)', () => {
    // Prepare
    const nps = expressChange(final(-14.3), final(-20), 'level');
    const fromZero = expressChange(final(3), final(0), 'level');
    // Act / Assess
    expect(nps).toEqual({
      kind: 'change',
      earlier: -20,
      difference: expect.closeTo(5.7, 12),
      unit: 'value',
      relativeOmitted: 'base_not_positive',
    });
    expect(fromZero).toMatchObject({ kind: 'change', difference: 3, relativeOmitted: 'base_not_positive' });
    expect(renderChange(nps, 'en')).toBe('+5.7');
    expect(renderChange(expressChange(final(3.2), final(4), 'level'), 'en')).toBe('-0.8 (-20.0%)');
  });

  it('gives no comparison without an earlier period, or when either side is provisional, with the reason', () => {
    // Prepare / Act
    const first = expressChange(final(10), undefined, 'level');
    const provisionalNow = expressChange({ value: 10, provisional: true }, final(4), 'level');
    const provisionalBefore = expressChange(final(10), { value: 4, provisional: true }, 'level');
    const missing = expressChange(final(null), final(4), 'level');
    // Assess
    expect(first).toEqual({ kind: 'none', reason: 'no_earlier_period' });
    expect(provisionalNow).toEqual({ kind: 'none', reason: 'period_provisional' });
    expect(provisionalBefore).toEqual({ kind: 'none', reason: 'earlier_provisional' });
    expect(missing).toEqual({ kind: 'none', reason: 'no_value' });
    expect(renderChange(first, 'en')).toBe('no earlier period to compare with');
    expect(renderChange(provisionalNow, 'zh-CN')).toBe('未比较：本期为暂定数据');
  });

  it('has a relative change exactly when the base is positive, and pp = 100 x the difference (property)', () => {
    const values = fc.double({ min: -1e6, max: 1e6, noNaN: true });
    fc.assert(
      fc.property(values, values, (now, was) => {
        // Prepare / Act
        const level = expressChange(final(now), final(was), 'level');
        const share = expressChange(final(now), final(was), 'proportion');
        // Assess
        if (level.kind !== 'change' || share.kind !== 'change') throw new Error('expected changes');
        expect(level.relative !== undefined).toBe(was > 0);
        expect(share.difference).toBeCloseTo(100 * (now - was), 6);
      }),
      { numRuns: 300 },
    );
  });

  it('prints no sign on a change that rounds to zero', () => {
    // Prepare / Act / Assess
    expect(renderChange(expressChange(final(0.30001), final(0.3), 'proportion'), 'en')).toBe('0.0 pp (0.0%)');
  });
});

describe('latestFinalPeriod', () => {
  it('skips provisional periods and says when there is no final one', () => {
    // Prepare
    const periods = [
      { label: '2026-W44', provisional: false },
      { label: '2026-W46', provisional: true },
      { label: '2026-W45', provisional: false },
    ];
    // Act
    const basis = latestFinalPeriod(periods);
    const none = latestFinalPeriod([{ label: '2026-W46', provisional: true }]);
    // Assess
    expect(basis?.label).toBe('2026-W45');
    expect(none).toBeUndefined();
  });
});
