import { describe, expect, it } from 'vitest';
import {
  mixtureCdf,
  mixtureInterval,
  mixtureMean,
  mixtureQuantile,
  mixtureUpperTail,
  type StudentTMixture,
} from '../../../shared/impact/distributions';

describe('Student t mixtures', () => {
  it('reduce to the location-scale t for one component (t_{0.975, 10} = 2.228139 from tables)', () => {
    // Prepare
    const single: StudentTMixture = { df: 10, components: [{ weight: 1, location: 100, scale: 5 }] };
    // Act
    const [low, high] = mixtureInterval(single, 0.95);
    // Assess
    expect(high).toBeCloseTo(100 + 5 * 2.228139, 4);
    expect(low).toBeCloseTo(100 - 5 * 2.228139, 4);
    expect(mixtureCdf(single, 100)).toBeCloseTo(0.5, 12);
  });

  it('invert their CDF for asymmetric mixtures, and have the weighted mean', () => {
    // Prepare
    const mixture: StudentTMixture = {
      df: 40,
      components: [
        { weight: 0.2, location: -3, scale: 1 },
        { weight: 0.5, location: 0, scale: 2 },
        { weight: 0.3, location: 10, scale: 0.5 },
      ],
    };
    for (const p of [0.001, 0.025, 0.3, 0.5, 0.69, 0.975, 0.999]) {
      // Act
      const q = mixtureQuantile(mixture, p);
      // Assess
      expect(mixtureCdf(mixture, q)).toBeCloseTo(p, 9);
    }
    expect(mixtureMean(mixture)).toBeCloseTo(0.2 * -3 + 0.3 * 10, 12);
  });

  it('put the median of a symmetric two-component mixture at its centre', () => {
    // Prepare
    const mixture: StudentTMixture = {
      df: 60,
      components: [
        { weight: 0.5, location: -5, scale: 1 },
        { weight: 0.5, location: 5, scale: 1 },
      ],
    };
    // Act / Assess
    expect(mixtureQuantile(mixture, 0.5)).toBeCloseTo(0, 8);
  });

  it('give upper tails without cancellation far out (P(X >= x) + P(X <= x) = 1 near the centre)', () => {
    // Prepare
    const mixture: StudentTMixture = { df: 50, components: [{ weight: 1, location: 0, scale: 1 }] };
    // Act
    const far = mixtureUpperTail(mixture, 30);
    // Assess
    expect(far).toBeGreaterThan(0);
    expect(far).toBeLessThan(1e-25);
    expect(mixtureUpperTail(mixture, 0.7) + mixtureCdf(mixture, 0.7)).toBeCloseTo(1, 12);
  });
});
