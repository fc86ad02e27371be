import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  adjustForMultipleTests,
  benjaminiHochberg,
  formatPValue,
  positivePValue,
  renderSignificance,
  twoSidedNormalPValue,
  twoSidedTPValue,
} from '../../../shared/verdicts/multiple-testing';
import { normalUpperTailContinuedFraction } from '../../support/reference-distributions';

/** BH by its definition, brute force: q_i = min(1, min over p_j >= p_i of m p_j / #{l : p_l <= p_j}). */
const bruteForceAdjusted = (p: readonly number[]) =>
  p.map((pi) =>
    Math.min(1, ...p.filter((pj) => pj >= pi).map((pj) => (p.length * pj) / p.filter((pl) => pl <= pj).length)),
  );

/** The BH step-up rejections at alpha: the largest r with p_(r) <= r alpha / m, and every p <= p_(r). */
const bruteForceRejected = (p: readonly number[], alpha: number) => {
  const sorted = [...p].sort((a, b) => a - b);
  let cutoff = -1;
  sorted.forEach((value, i) => {
    if (value <= ((i + 1) * alpha) / p.length) cutoff = value;
  });
  return p.map((value) => value <= cutoff);
};

const pValues = fc.array(fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0.01, 0.05, 0.2)), {
  minLength: 1,
  maxLength: 30,
});

describe('benjaminiHochberg', () => {
  it('adjusts the textbook example', () => {
    // Prepare: sorted 0.005, 0.01, 0.03, 0.04 -> 4 p / rank = 0.02, 0.02, 0.04, 0.04
    const p = [0.01, 0.04, 0.03, 0.005];
    // Act
    const q = benjaminiHochberg(p);
    // Assess
    expect(q.map((x) => Number(x.toFixed(12)))).toEqual([0.02, 0.04, 0.04, 0.02]);
  });

  it("leaves nothing significant among the issue's day-unit CTR p-values", () => {
    // Prepare: the six weeks of the example with days as the unit (issue 12)
    const p = [0.59, 0.047, 0.18, 0.67, 0.65, 0.26];
    // Act
    const q = benjaminiHochberg(p);
    // Assess: by hand, 0.047 * 6 / 1 = 0.282 is the smallest
    expect(q[1]).toBeCloseTo(0.282, 12);
    expect(q[2]).toBeCloseTo(0.52, 12);
    expect(q[5]).toBeCloseTo(0.52, 12);
    expect(q[0]).toBeCloseTo(0.67, 12);
    expect(Math.min(...q)).toBeGreaterThan(0.05);
  });

  it('equals the brute-force definition and rejects the step-up set (property)', () => {
    fc.assert(
      fc.property(pValues, fc.constantFrom(0.01, 0.05, 0.1), (p, alpha) => {
        // Prepare
        const expected = bruteForceAdjusted(p);
        const rejected = bruteForceRejected(p, alpha);
        // Act
        const q = benjaminiHochberg(p);
        // Assess (the rejections only where no p sits on a boundary r alpha / m, which rounding decides)
        const onBoundary = p.some((pi) => p.some((_, r) => Math.abs(pi - ((r + 1) * alpha) / p.length) < 1e-12));
        q.forEach((qi, i) => {
          expect(qi).toBeCloseTo(expected[i]!, 12);
          if (!onBoundary) expect(qi <= alpha).toBe(rejected[i]);
        });
      }),
      { numRuns: 400 },
    );
  });

  it('is monotone in p, never below p and never above 1 (property)', () => {
    fc.assert(
      fc.property(pValues, (p) => {
        // Prepare / Act
        const q = benjaminiHochberg(p);
        // Assess
        for (let i = 0; i < p.length; i += 1) {
          expect(q[i]).toBeGreaterThanOrEqual(p[i]!);
          expect(q[i]).toBeLessThanOrEqual(1);
          for (let j = 0; j < p.length; j += 1) if (p[i]! <= p[j]!) expect(q[i]).toBeLessThanOrEqual(q[j]!);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('adjusts nothing away for a single test and returns nothing for none', () => {
    // Prepare / Act / Assess
    expect(benjaminiHochberg([0.03])).toEqual([0.03]);
    expect(benjaminiHochberg([])).toEqual([]);
  });
});

describe('adjustForMultipleTests and renderSignificance', () => {
  it('keeps each raw p-value, adds the adjusted one and flags adjusted p <= 0.05', () => {
    // Prepare
    const tests = [
      { key: 'ad_ctr', pValue: 0.004 },
      { key: 'avg_rating', pValue: 0.03 },
      { key: 'refund_rate', pValue: 0.5 },
    ];
    // Act
    const adjusted = adjustForMultipleTests(tests);
    // Assess: 0.004 * 3 = 0.012; 0.03 * 3 / 2 = 0.045; 0.5
    expect(adjusted.tests).toBe(3);
    expect(adjusted.results.map((r) => r.significant)).toEqual([true, true, false]);
    expect(adjusted.results[1]!.adjustedPValue).toBeCloseTo(0.045, 12);
    expect(adjusted.results[1]!.pValue).toBe(0.03);
  });

  it('says how many tests the flag was adjusted for, in both locales', () => {
    // Prepare / Act / Assess
    expect(renderSignificance(true, 6, 'en')).toBe('significant after adjustment for 6 tests');
    expect(renderSignificance(false, 6, 'en')).toBe('not significant after adjustment for 6 tests');
    expect(renderSignificance(true, 1, 'en')).toBe('significant (the only test)');
    expect(renderSignificance(true, 6, 'zh-CN')).toBe('经 6 项检验校正后显著');
    expect(renderSignificance(false, 6, 'zh-CN')).toBe('经 6 项检验校正后不显著');
  });
});

describe('p-values that are never 0', () => {
  it('computes two-sided normal p-values from the tail, exact far beyond 1 - cdf', () => {
    // Prepare: 2 Q(z) by the continued fraction
    for (const z of [3, 9, 20, 37]) {
      const expected = 2 * normalUpperTailContinuedFraction(z);
      // Act
      const p = twoSidedNormalPValue(-z);
      // Assess
      expect(Math.abs(p - expected) / expected).toBeLessThan(1e-12);
    }
  });

  it('floors at the smallest double where the tail is not representable', () => {
    // Prepare / Act
    const normal = twoSidedNormalPValue(60);
    const t = twoSidedTPValue(1e200, 3);
    // Assess
    expect(normal).toBe(Number.MIN_VALUE);
    expect(t).toBe(Number.MIN_VALUE);
    expect(JSON.parse(JSON.stringify({ p: normal })).p).toBeGreaterThan(0);
  });

  it('keeps a t p-value exact when representable: df 1 closed form 2 atan(1 / t) / pi', () => {
    // Prepare
    const t = 1e12;
    // Act
    const p = twoSidedTPValue(t, 1);
    // Assess
    expect(Math.abs(p - (2 * Math.atan(1 / t)) / Math.PI) / p).toBeLessThan(1e-6);
  });

  it('positivePValue clamps into (0, 1] and refuses NaN', () => {
    // Prepare / Act / Assess
    expect(positivePValue(0)).toBe(Number.MIN_VALUE);
    expect(positivePValue(1e-320)).toBe(1e-320);
    expect(positivePValue(1.0000000002)).toBe(1);
    expect(() => positivePValue(Number.NaN)).toThrow();
  });
});

describe('formatPValue', () => {
  it('prints two significant digits, exponents below 0.001 and a floor below 1e-12', () => {
    // Prepare / Act / Assess
    expect(formatPValue(0.5888)).toBe('p = 0.59');
    expect(formatPValue(0.0472)).toBe('p = 0.047');
    expect(formatPValue(1)).toBe('p = 1');
    expect(formatPValue(0.0032)).toBe('p = 0.0032');
    expect(formatPValue(3.24e-5)).toBe('p = 3.2e-5');
    expect(formatPValue(1e-13)).toBe('p < 1e-12');
    expect(formatPValue(0)).toBe('p < 1e-12');
  });

  it('never prints a zero p-value (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (p) => {
        // Prepare / Act
        const text = formatPValue(p);
        // Assess: either the floor, or a number that parses as positive
        if (text !== 'p < 1e-12') expect(Number(text.slice(4))).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});
