import { studentTCdf, studentTQuantile } from '../verdicts/tails';

/**
 * The predictive distribution of a counterfactual (a day's value, or a sum over days) is a mixture
 * of Student t distributions: one per autocorrelation value phi on the posterior grid, each a
 * location-scale t with the regression's residual degrees of freedom. This file evaluates and
 * inverts such mixtures. The t distribution is shared/verdicts/tails.ts.
 */

export interface MixtureComponent {
  weight: number;
  location: number;
  scale: number;
}

/** A mixture of location-scale Student t distributions sharing `df`; weights sum to 1. */
export interface StudentTMixture {
  df: number;
  components: readonly MixtureComponent[];
}

const tCdf = studentTCdf;
const tQuantile = studentTQuantile;

/** P(X <= x). */
export const mixtureCdf = (mixture: StudentTMixture, x: number): number => {
  let p = 0;
  for (const c of mixture.components) p += c.weight * tCdf((x - c.location) / c.scale, mixture.df);
  return Math.min(1, p);
};

/** P(X >= x), computed from the lower tail of the mirrored t (no 1 - cdf cancellation far out). */
export const mixtureUpperTail = (mixture: StudentTMixture, x: number): number => {
  let p = 0;
  for (const c of mixture.components) p += c.weight * tCdf((c.location - x) / c.scale, mixture.df);
  return Math.min(1, p);
};

export const mixtureMean = (mixture: StudentTMixture): number => {
  let mean = 0;
  for (const c of mixture.components) mean += c.weight * c.location;
  return mean;
};

/**
 * The p-quantile. It lies between the smallest and the largest component p-quantile (the mixture
 * CDF is a weighted mean of the component CDFs), so that bracket is searched with the Illinois
 * variant of regula falsi, which converges superlinearly and never leaves the bracket.
 */
export const mixtureQuantile = (mixture: StudentTMixture, p: number): number => {
  if (!(p > 0 && p < 1)) throw new RangeError(`quantile level must be in (0, 1), got ${p}`);
  const q = tQuantile(p, mixture.df);
  let lo = Infinity;
  let hi = -Infinity;
  let minScale = Infinity;
  for (const c of mixture.components) {
    const x = c.location + c.scale * q;
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
    minScale = Math.min(minScale, c.scale);
  }
  if (mixture.components.length === 1 || hi - lo <= 1e-12 * minScale) return (lo + hi) / 2;

  let fLo = mixtureCdf(mixture, lo) - p;
  let fHi = mixtureCdf(mixture, hi) - p;
  if (fLo >= 0) return lo;
  if (fHi <= 0) return hi;
  const tolerance = 1e-9 * minScale;
  let side = 0;
  for (let iteration = 0; iteration < 200 && hi - lo > tolerance; iteration++) {
    const x = (lo * fHi - hi * fLo) / (fHi - fLo);
    const f = mixtureCdf(mixture, x) - p;
    if (Math.abs(f) < 1e-13) return x;
    if (f < 0) {
      lo = x;
      fLo = f;
      // Illinois: halve the stale end's value when the same end is kept twice in a row.
      if (side === -1) fHi /= 2;
      side = -1;
    } else {
      hi = x;
      fHi = f;
      if (side === 1) fLo /= 2;
      side = 1;
    }
  }
  return (lo + hi) / 2;
};

/** Equal-tailed interval with the given coverage (0.95 for a 95% interval). */
export const mixtureInterval = (mixture: StudentTMixture, coverage: number): [number, number] => {
  const tail = (1 - coverage) / 2;
  return [mixtureQuantile(mixture, tail), mixtureQuantile(mixture, 1 - tail)];
};
