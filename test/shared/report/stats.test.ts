import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  meanAndVariance,
  npsWithInterval,
  ratioWithInterval,
  tInterval,
  twoProportionPValue,
  welchPValue,
  wilsonInterval,
  Z95,
} from '../../../shared/report/stats';
import { normalCdf } from './fixtures';
import { lnGamma } from '../../support/reference-distributions';

/** Published two-sided 95% Student t quantiles t_{0.975, df} (any statistics table). */
const T975: Record<number, number> = {
  1: 12.706205,
  4: 2.776445,
  6: 2.446912,
  9: 2.262157,
  18: 2.100922,
  30: 2.042272,
};

/** integral from 0 to t of the Student t density with df degrees of freedom, by Simpson's rule. */
const integrateTDensity = (t: number, df: number) => {
  const k = Math.exp(lnGamma((df + 1) / 2) - lnGamma(df / 2)) / Math.sqrt(df * Math.PI);
  const f = (x: number) => k * (1 + (x * x) / df) ** (-(df + 1) / 2);
  const steps = 4000;
  const h = t / steps;
  let sum = f(0) + f(t);
  for (let i = 1; i < steps; i += 1) sum += (i % 2 === 1 ? 4 : 2) * f(i * h);
  return (sum * h) / 3;
};

/** Wilson bounds as the roots of (p^ - p)^2 = z^2 p (1 - p) / n, by the quadratic formula. */
const wilsonRoots = (x: number, n: number, z = Z95) => {
  const p = x / n;
  const a = 1 + (z * z) / n;
  const b = -(2 * p + (z * z) / n);
  const c = p * p;
  const d = Math.sqrt(b * b - 4 * a * c);
  return [(-b - d) / (2 * a), (-b + d) / (2 * a)] as const;
};

describe('wilsonInterval', () => {
  it('gives 81 of 263 the published interval [0.2553, 0.3662]', () => {
    // Prepare: the textbook example (p^ = 0.308)
    const [x, n] = [81, 263];
    // Act
    const ci = wilsonInterval(x, n)!;
    // Assess
    expect(ci[0]).toBeCloseTo(0.2553, 4);
    expect(ci[1]).toBeCloseTo(0.3662, 4);
    const [low, high] = wilsonRoots(x, n);
    expect(ci[0]).toBeCloseTo(low, 12);
    expect(ci[1]).toBeCloseTo(high, 12);
  });

  it('touches 0 with no successes and 1 with all successes', () => {
    // Prepare: with x = 0 the upper bound is z^2 / (n + z^2)
    const n = 20;
    const upper = (Z95 * Z95) / (n + Z95 * Z95);
    // Act
    const none = wilsonInterval(0, n)!;
    const all = wilsonInterval(n, n)!;
    // Assess
    expect(none[0]).toBe(0);
    expect(none[1]).toBeCloseTo(upper, 12);
    expect(all[1]).toBe(1);
    expect(all[0]).toBeCloseTo(1 - upper, 12);
  });

  it('is undefined for n = 0', () => {
    // Prepare: nothing
    // Act
    const ci = wilsonInterval(0, 0);
    // Assess
    expect(ci).toBeUndefined();
  });

  it('equals the quadratic roots and contains the observed share (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n))),
        ([x, n]) => {
          // Prepare
          const [low, high] = wilsonRoots(x, n);
          // Act
          const ci = wilsonInterval(x, n)!;
          // Assess
          expect(ci[0]).toBeCloseTo(Math.max(0, low), 9);
          expect(ci[1]).toBeCloseTo(Math.min(1, high), 9);
          expect(ci[0]).toBeLessThanOrEqual(x / n + 1e-12);
          expect(ci[1]).toBeGreaterThanOrEqual(x / n - 1e-12);
          expect(ci[0]).toBeGreaterThanOrEqual(0);
          expect(ci[1]).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('meanAndVariance and tInterval', () => {
  it('matches a two-pass mean and sample variance', () => {
    // Prepare
    const xs = [2, 4, 4, 4, 5, 5, 7, 9];
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length; // 5
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1); // 32 / 7
    // Act
    const result = meanAndVariance(
      xs.length,
      xs.reduce((s, x) => s + x, 0),
      xs.reduce((s, x) => s + x * x, 0),
    );
    // Assess
    expect(result.mean).toBe(5);
    expect(result.variance).toBeCloseTo(32 / 7, 12);
    expect(result.variance).toBeCloseTo(variance, 12);
  });

  it('gives no variance for one observation and never a negative one', () => {
    // Prepare: three identical large values, where sum^2 / n cancels sumSq
    const v = 0.1 + 0.2;
    // Act
    const single = meanAndVariance(1, 7, 49);
    const constant = meanAndVariance(3, 3 * v, 3 * v * v);
    // Assess
    expect(single.mean).toBe(7);
    expect(single.variance).toBeNaN();
    expect(constant.variance).toBeGreaterThanOrEqual(0);
    expect(constant.variance).toBeLessThan(1e-15);
  });

  it('computes mean ± t_{0.975,9} * s / sqrt(n) for n = 10', () => {
    // Prepare: n = 10, mean 5, variance 4 -> half-width 2.262157 * sqrt(0.4) = 1.430714
    const half = T975[9]! * Math.sqrt(4 / 10);
    // Act
    const ci = tInterval(10, 5, 4)!;
    // Assess
    expect(half).toBeCloseTo(1.430714, 6);
    expect(ci[0]).toBeCloseTo(5 - half, 5);
    expect(ci[1]).toBeCloseTo(5 + half, 5);
  });

  it.each([
    [2, 1],
    [31, 30],
  ])('uses df = n - 1 (n = %i uses t_{0.975,%i})', (n, df) => {
    // Prepare
    const half = T975[df]! * Math.sqrt(9 / n);
    // Act
    const ci = tInterval(n, 0, 9)!;
    // Assess
    expect(ci[1]).toBeCloseTo(half, 4);
    expect(ci[0]).toBeCloseTo(-half, 4);
  });

  it('is undefined for n < 2 or a non-finite variance', () => {
    // Prepare: nothing
    // Act
    const results = [
      tInterval(1, 5, 4),
      tInterval(0, 0, 0),
      tInterval(10, 5, Number.NaN),
      tInterval(10, 5, Number.POSITIVE_INFINITY),
    ];
    // Assess
    expect(results).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('npsWithInterval', () => {
  /** Population variance of the +1/0/-1 answers, computed two-pass from the answers themselves. */
  const reference = (promoters: number, passives: number, detractors: number) => {
    const answers = [
      ...Array(promoters).fill(1),
      ...Array(passives).fill(0),
      ...Array(detractors).fill(-1),
    ] as number[];
    const n = answers.length;
    const mean = answers.reduce((s, a) => s + a, 0) / n;
    const variance = answers.reduce((s, a) => s + (a - mean) ** 2, 0) / n;
    const half = Z95 * Math.sqrt(variance / n);
    return { value: mean * 100, low: Math.max(-100, (mean - half) * 100), high: Math.min(100, (mean + half) * 100) };
  };

  it('scores 50 promoters, 30 passives and 20 detractors as 30 with ±15.3', () => {
    // Prepare: p = 0.5, d = 0.2, var = 0.7 - 0.09 = 0.61, half = 1.96 * sqrt(0.0061) = 0.15308
    const expected = reference(50, 30, 20);
    // Act
    const nps = npsWithInterval(50, 20, 100)!;
    // Assess
    expect(nps.value).toBeCloseTo(30, 10);
    expect(nps.ci[0]).toBeCloseTo(expected.low, 10);
    expect(nps.ci[1]).toBeCloseTo(expected.high, 10);
    expect(nps.ci[1] - nps.value).toBeCloseTo(15.308, 3);
  });

  it('clamps to [-100, 100] and gives a zero-width interval for unanimous answers', () => {
    // Prepare: nothing
    // Act
    const allPromoters = npsWithInterval(10, 0, 10)!;
    const allDetractors = npsWithInterval(0, 10, 10)!;
    // Assess
    expect(allPromoters).toEqual({ value: 100, ci: [100, 100] });
    expect(allDetractors).toEqual({ value: -100, ci: [-100, -100] });
  });

  it('is undefined without answers', () => {
    // Prepare: nothing
    // Act
    const nps = npsWithInterval(0, 0, 0);
    // Assess
    expect(nps).toBeUndefined();
  });

  it('agrees with the two-pass computation (property)', () => {
    fc.assert(
      fc.property(fc.nat(300), fc.nat(300), fc.nat(300), (p, q, d) => {
        fc.pre(p + q + d > 0);
        // Prepare
        const expected = reference(p, q, d);
        // Act
        const nps = npsWithInterval(p, d, p + q + d)!;
        // Assess
        expect(nps.value).toBeCloseTo(expected.value, 8);
        expect(nps.ci[0]).toBeCloseTo(expected.low, 6);
        expect(nps.ci[1]).toBeCloseTo(expected.high, 6);
      }),
      { numRuns: 200 },
    );
  });
});

describe('ratioWithInterval', () => {
  /**
   * Textbook delta method for a ratio of means: Var(R) ~ (s_y^2 - 2 R s_xy + R^2 s_x^2) / (k xbar^2),
   * with the sample variances and covariance over the k days.
   */
  const deltaMethod = (days: { x: number; y: number }[], t: number) => {
    const k = days.length;
    const xbar = days.reduce((s, d) => s + d.x, 0) / k;
    const ybar = days.reduce((s, d) => s + d.y, 0) / k;
    const r = ybar / xbar;
    const sxx = days.reduce((s, d) => s + (d.x - xbar) ** 2, 0) / (k - 1);
    const syy = days.reduce((s, d) => s + (d.y - ybar) ** 2, 0) / (k - 1);
    const sxy = days.reduce((s, d) => s + (d.x - xbar) * (d.y - ybar), 0) / (k - 1);
    const half = t * Math.sqrt((syy - 2 * r * sxy + r * r * sxx) / (k * xbar * xbar));
    return { r, low: r - half, high: r + half };
  };

  it('gives ROAS over 10 days with a delta-method interval and t_{0.975,9}', () => {
    // Prepare: spend x and revenue y per day
    const days = [
      { x: 100, y: 260 },
      { x: 120, y: 300 },
      { x: 90, y: 250 },
      { x: 110, y: 240 },
      { x: 130, y: 360 },
      { x: 80, y: 210 },
      { x: 100, y: 270 },
      { x: 140, y: 330 },
      { x: 95, y: 230 },
      { x: 105, y: 290 },
    ];
    const expected = deltaMethod(days, T975[9]!);
    // Act
    const result = ratioWithInterval(days)!;
    // Assess: R = 2740 / 1070
    expect(result.value).toBeCloseTo(2740 / 1070, 12);
    expect(result.ci![0]).toBeCloseTo(expected.low, 5);
    expect(result.ci![1]).toBeCloseTo(expected.high, 5);
  });

  it('uses k - 1 degrees of freedom (k = 5 and k = 7)', () => {
    // Prepare
    const five = [
      { x: 1, y: 2 },
      { x: 2, y: 5 },
      { x: 3, y: 5 },
      { x: 4, y: 9 },
      { x: 5, y: 9 },
    ];
    const seven = [...five, { x: 2, y: 3 }, { x: 6, y: 14 }];
    // Act
    const a = ratioWithInterval(five)!;
    const b = ratioWithInterval(seven)!;
    // Assess
    const ea = deltaMethod(five, T975[4]!);
    const eb = deltaMethod(seven, T975[6]!);
    expect(a.ci![0]).toBeCloseTo(ea.low, 5);
    expect(a.ci![1]).toBeCloseTo(ea.high, 5);
    expect(b.ci![0]).toBeCloseTo(eb.low, 5);
    expect(b.ci![1]).toBeCloseTo(eb.high, 5);
  });

  it('gives a zero-width interval when every day has the same ratio', () => {
    // Prepare
    const days = [1, 2, 3, 4].map((x) => ({ x, y: 2.5 * x }));
    // Act
    const result = ratioWithInterval(days)!;
    // Assess
    expect(result.value).toBe(2.5);
    expect(result.ci![1] - result.ci![0]).toBeCloseTo(0, 12);
  });

  it('has a value but no interval for one day, and no value without a positive denominator', () => {
    // Prepare: nothing
    // Act
    const oneDay = ratioWithInterval([{ x: 4, y: 10 }]);
    const noSpend = ratioWithInterval([
      { x: 0, y: 10 },
      { x: 0, y: 5 },
    ]);
    const empty = ratioWithInterval([]);
    // Assess
    expect(oneDay).toEqual({ value: 2.5, ci: undefined });
    expect(noSpend).toBeUndefined();
    expect(empty).toBeUndefined();
  });
});

describe('twoProportionPValue', () => {
  it('matches the pooled z-test computed by hand: 45/100 vs 30/100', () => {
    // Prepare: pooled 0.375, se = sqrt(0.375 * 0.625 * 0.02) = 0.0684653, z = 0.15 / se = 2.19089
    const se = Math.sqrt(0.375 * 0.625 * (1 / 100 + 1 / 100));
    const z = 0.15 / se;
    const expected = 2 * (1 - normalCdf(z));
    // Act
    const p = twoProportionPValue(45, 100, 30, 100)!;
    // Assess
    expect(z).toBeCloseTo(2.19089, 4);
    expect(p).toBeCloseTo(expected, 8);
    expect(p).toBeCloseTo(0.02846, 4);
  });

  it('is symmetric, and 1 for equal shares', () => {
    // Prepare: nothing
    // Act
    const ab = twoProportionPValue(12, 80, 30, 120)!;
    const ba = twoProportionPValue(30, 120, 12, 80)!;
    const same = twoProportionPValue(10, 50, 20, 100)!;
    // Assess
    expect(ab).toBeCloseTo(ba, 14);
    expect(same).toBeCloseTo(1, 12);
  });

  it('handles degenerate inputs: empty samples, and zero pooled variance', () => {
    // Prepare: nothing
    // Act
    const results = [
      twoProportionPValue(0, 0, 5, 10),
      twoProportionPValue(5, 10, 0, 0),
      twoProportionPValue(0, 10, 0, 20),
      twoProportionPValue(10, 10, 20, 20),
    ];
    // Assess
    expect(results).toEqual([undefined, undefined, 1, 1]);
  });

  it('agrees with the independent normal CDF (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2000 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n))),
        fc.integer({ min: 1, max: 2000 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n))),
        ([x1, n1], [x2, n2]) => {
          const pooled = (x1 + x2) / (n1 + n2);
          fc.pre(pooled > 0 && pooled < 1);
          // Prepare
          const z = Math.abs(x1 / n1 - x2 / n2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
          fc.pre(z < 6);
          const expected = 2 * (1 - normalCdf(z));
          // Act
          const p = twoProportionPValue(x1, n1, x2, n2)!;
          // Assess
          expect(p).toBeCloseTo(expected, 7);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('welchPValue', () => {
  it('gives p = 0.05 at t = t_{0.975,18} with equal n = 10 and equal variances (df = 18)', () => {
    // Prepare: se = sqrt(4/10 + 4/10); Welch-Satterthwaite df = (0.8)^2 / (2 * 0.4^2 / 9) = 18
    const se = Math.sqrt(0.8);
    const a = { n: 10, mean: 10 + T975[18]! * se, variance: 4 };
    const b = { n: 10, mean: 10, variance: 4 };
    // Act
    const p = welchPValue(a, b)!;
    // Assess
    expect(p).toBeCloseTo(0.05, 6);
  });

  it('matches the closed-form t CDF with 2 degrees of freedom (n = 2 each)', () => {
    // Prepare: with df = 2, P(|T| > t) = 1 - t / sqrt(2 + t^2); df = (2v/2)^2 / (2 (v/2)^2 / 1) = 2
    const a = { n: 2, mean: 7, variance: 3 };
    const b = { n: 2, mean: 4, variance: 3 };
    const t = 3 / Math.sqrt(3 / 2 + 3 / 2);
    const expected = 1 - t / Math.sqrt(2 + t * t);
    // Act
    const p = welchPValue(a, b)!;
    // Assess
    expect(p).toBeCloseTo(expected, 8);
    expect(1 - 2 * integrateTDensity(t, 2)).toBeCloseTo(expected, 8);
  });

  it('matches the closed-form t CDF with 4 degrees of freedom (n = 3 each, equal variances)', () => {
    // Prepare: F(t) = 1/2 + (3/8) (t / sqrt(1 + t^2/4)) (1 - t^2 / (12 (1 + t^2/4))) for df = 4
    const a = { n: 3, mean: 2.5, variance: 1.2 };
    const b = { n: 3, mean: 0.5, variance: 1.2 };
    const t = 2 / Math.sqrt(1.2 / 3 + 1.2 / 3);
    const u = 1 + (t * t) / 4;
    const cdf = 0.5 + (3 / 8) * (t / Math.sqrt(u)) * (1 - (t * t) / (12 * u));
    const expected = 2 * (1 - cdf);
    // Act
    const p = welchPValue(a, b)!;
    // Assess
    expect(p).toBeCloseTo(expected, 8);
  });

  it('uses the Welch-Satterthwaite df for unequal variances (t CDF integrated numerically)', () => {
    // Prepare: va = 1.2/3 = 0.4, vb = 2/5 = 0.4, se = sqrt(0.8), t = 2 / se = 2.236068,
    // df = 0.8^2 / (0.4^2/2 + 0.4^2/4) = 0.64 / 0.12 = 5.3333 (not a table value).
    const a = { n: 3, mean: 2, variance: 1.2 };
    const b = { n: 5, mean: 0, variance: 2 };
    const t = 2 / Math.sqrt(0.8);
    const df = 0.64 / (0.16 / 2 + 0.16 / 4);
    const expected = 1 - 2 * integrateTDensity(t, df);
    const u = 1 + (t * t) / 4;
    const pDf4 = 2 * (1 - (0.5 + (3 / 8) * (t / Math.sqrt(u)) * (1 - (t * t) / (12 * u))));
    // Act
    const p = welchPValue(a, b)!;
    // Assess: and, as a sanity check, between the df = 4 and the normal tails
    expect(df).toBeCloseTo(5.3333, 4);
    expect(p).toBeCloseTo(expected, 7);
    expect(p).toBeLessThan(pDf4);
    expect(p).toBeGreaterThan(2 * (1 - normalCdf(t)));
  });

  it('handles degenerate inputs', () => {
    // Prepare: nothing
    // Act
    const results = [
      welchPValue({ n: 1, mean: 1, variance: 0 }, { n: 5, mean: 1, variance: 1 }),
      welchPValue({ n: 5, mean: 1, variance: Number.NaN }, { n: 5, mean: 1, variance: 1 }),
      welchPValue({ n: 5, mean: 1, variance: 0 }, { n: 5, mean: 1, variance: 0 }),
      welchPValue({ n: 5, mean: 1, variance: 0 }, { n: 5, mean: 2, variance: 0 }),
    ];
    // Assess
    // Means that differ with no variance at all have no p-value (a p-value is never 0).
    expect(results).toEqual([undefined, undefined, 1, undefined]);
  });
});
