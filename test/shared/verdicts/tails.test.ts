import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  erfc,
  normalQuantile,
  normalScoreOfT,
  normalUpperTail,
  studentTUpperTail,
} from '../../../shared/verdicts/tails';
import {
  normalCdfSeries,
  normalUpperTailContinuedFraction,
  studentTUpperTailByQuadrature,
  T975,
} from '../../support/reference-distributions';

const relativeError = (actual: number, expected: number) => Math.abs(actual - expected) / Math.abs(expected);

describe('erfc and normalUpperTail', () => {
  it('match published values of erfc to ~1e-14 relative', () => {
    // Prepare: erfc values from Abramowitz & Stegun / any arbitrary-precision tool
    const published: [number, number][] = [
      [0.5, 0.4795001221869535],
      [1, 0.15729920705028513],
      [5, 1.5374597944280349e-12],
      [10, 2.088487583762545e-45],
      [26, 5.663192408856143e-296],
    ];
    for (const [x, expected] of published) {
      // Act
      const actual = erfc(x);
      // Assess
      expect(relativeError(actual, expected)).toBeLessThan(1e-14);
    }
  });

  it('agrees with the erf series near the centre and the Mills-ratio continued fraction in the tail', () => {
    fc.assert(
      fc.property(fc.double({ min: -5, max: 37, noNaN: true }), (z) => {
        // Prepare: the series for |z| < 3 (where it does not cancel), the continued fraction beyond
        const fraction = normalUpperTailContinuedFraction;
        const expected = z >= 3 ? fraction(z) : z <= -3 ? 1 - fraction(-z) : 1 - normalCdfSeries(z);
        // Act
        const actual = normalUpperTail(z);
        // Assess: relative in the upper tail, absolute elsewhere
        if (z >= 3) expect(relativeError(actual, expected)).toBeLessThan(1e-12);
        else expect(Math.abs(actual - expected)).toBeLessThan(2e-15);
      }),
      { numRuns: 500 },
    );
  });

  it('stays a positive double as far as doubles reach (no 1 - cdf cancellation)', () => {
    // Prepare: Q(38) ~ 2.9e-316 is a subnormal double; Q(40) ~ 3.7e-350 is not representable
    // Act
    const at8 = normalUpperTail(8);
    const at38 = normalUpperTail(38);
    const at40 = normalUpperTail(40);
    // Assess
    expect(relativeError(at8, 6.220960574271785e-16)).toBeLessThan(1e-13);
    expect(at38).toBeGreaterThan(0);
    expect(at40).toBe(0);
  });
});

describe('studentTUpperTail', () => {
  it('matches the closed forms for 1 and 2 degrees of freedom far into the tail', () => {
    // Prepare: df 1 is Cauchy, P(T >= t) = atan(1 / t) / pi; df 2: 1 / (r (r + t)), r = sqrt(2 + t^2)
    for (const t of [0.5, 1, 10, 1e3, 1e6, 1e20]) {
      const cauchy = Math.atan(1 / t) / Math.PI;
      const r = Math.sqrt(2 + t * t);
      const two = 1 / (r * (r + t));
      // Act
      const one = studentTUpperTail(t, 1);
      const second = studentTUpperTail(t, 2);
      // Assess: jStat's incomplete beta stops at a relative step of 3e-7
      expect(relativeError(one, cauchy)).toBeLessThan(1e-6);
      if (t < 1e10) expect(relativeError(second, two)).toBeLessThan(1e-6);
    }
  });

  it('matches quadrature of the density for moderate t and fractional df', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -6, max: 6, noNaN: true }),
        fc.double({ min: 1.5, max: 60, noNaN: true }),
        (t, v) => {
          // Prepare
          const upper = studentTUpperTailByQuadrature(Math.abs(t), v);
          const expected = t >= 0 ? upper : 1 - upper;
          // Act
          const actual = studentTUpperTail(t, v);
          // Assess
          expect(Math.abs(actual - expected)).toBeLessThan(1e-7);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('normalQuantile and normalScoreOfT', () => {
  it('inverts the upper tail to ~1e-12 relative from 1e-290 to 1 - 1e-12', () => {
    fc.assert(
      fc.property(fc.double({ min: -290, max: -1e-12, noNaN: true }), (log10p) => {
        // Prepare
        const p = 10 ** log10p;
        // Act
        const x = normalQuantile(p);
        // Assess: Phi(x) = Q(-x)
        expect(relativeError(normalUpperTail(-x), p)).toBeLessThan(1e-12);
      }),
      { numRuns: 500 },
    );
  });

  it('gives the 97.5% point and the ends', () => {
    // Prepare / Act / Assess
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 13);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 15);
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
  });

  it('carries a t quantile to the normal quantile of the same tail', () => {
    for (const [df, t] of Object.entries(T975)) {
      // Prepare: published t_{0.975, df} (6 decimals) has the same 2.5% upper tail as z = 1.96
      // Act
      const z = normalScoreOfT(t, Number(df));
      const negative = normalScoreOfT(-t, Number(df));
      // Assess: the table's 6 decimals limit the agreement
      expect(z).toBeCloseTo(1.959964, 4);
      expect(negative).toBeCloseTo(-z, 12);
    }
  });

  it('is monotone in t', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -50, max: 50, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        (t, dt) => {
          // Prepare / Act
          const a = normalScoreOfT(t, 9);
          const b = normalScoreOfT(t + dt, 9);
          // Assess
          expect(b).toBeGreaterThanOrEqual(a - 1e-9);
        },
      ),
      { numRuns: 300 },
    );
  });
});
