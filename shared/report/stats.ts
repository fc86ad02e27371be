import { jStat } from '../verdicts/distributions';

// jStat's algorithms (ported in shared/verdicts/distributions.ts, the same doubles without the
// 50 KB package) rather than @stdlib's per-function packages (190 KB bundled for these three):
// the report function must stay small to start fast. Its t quantiles agree with published
// tables to about 1e-8, far below what a 95% interval shows.
const tQuantile = (p: number, df: number) => jStat.studentt.inv(p, df);
const tCdf = (x: number, df: number) => jStat.studentt.cdf(x, df);
const normalCdf = (x: number, mean: number, sd: number) => jStat.normal.cdf(x, mean, sd);

/** Two-sided 95% normal quantile. */
export const Z95 = 1.959963984540054;

export type Interval = readonly [number, number];

/** Wilson score interval for a proportion (successes of n), 95%. */
export const wilsonInterval = (successes: number, n: number, z = Z95): Interval | undefined => {
  if (n <= 0) return undefined;
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
};

/** Sample mean and variance from a count, a sum and a sum of squares. */
export const meanAndVariance = (n: number, sum: number, sumSq: number) => {
  const mean = sum / n;
  // max(0, ...) guards against tiny negative results of floating-point cancellation.
  const variance = n > 1 ? Math.max(0, (sumSq - (sum * sum) / n) / (n - 1)) : Number.NaN;
  return { mean, variance };
};

/** Student t interval for a mean, 95%. Needs n >= 2. */
export const tInterval = (n: number, mean: number, variance: number): Interval | undefined => {
  if (n < 2 || !Number.isFinite(variance)) return undefined;
  const half = tQuantile(0.975, n - 1) * Math.sqrt(variance / n);
  return [mean - half, mean + half];
};

/**
 * Net Promoter Score (promoters% - detractors%) with a 95% normal-approximation interval:
 * the score is the mean of a variable that is +1, 0 or -1 per answer, so its variance is
 * (p + d - (p - d)^2) / n. Scaled to -100..100.
 */
export const npsWithInterval = (promoters: number, detractors: number, n: number) => {
  if (n <= 0) return undefined;
  const p = promoters / n;
  const d = detractors / n;
  const score = p - d;
  const half = Z95 * Math.sqrt(Math.max(0, p + d - score * score) / n);
  return {
    value: score * 100,
    ci: [Math.max(-100, (score - half) * 100), Math.min(100, (score + half) * 100)] as Interval,
  };
};

/**
 * Ratio of sums R = sum(y) / sum(x) over days, with a 95% interval by the delta method:
 * Var(R) ~ s^2 / (k * xbar^2), s^2 the sample variance of the residuals y_i - R x_i over
 * the k days, and a t quantile with k - 1 degrees of freedom. Needs k >= 2 and sum(x) > 0.
 */
export const ratioWithInterval = (days: readonly { x: number; y: number }[]) => {
  const k = days.length;
  const sx = days.reduce((s, d) => s + d.x, 0);
  const sy = days.reduce((s, d) => s + d.y, 0);
  if (sx <= 0) return undefined;
  const ratio = sy / sx;
  if (k < 2) return { value: ratio, ci: undefined };
  const xbar = sx / k;
  const residualVariance = days.reduce((s, d) => s + (d.y - ratio * d.x) ** 2, 0) / (k - 1);
  const half = tQuantile(0.975, k - 1) * Math.sqrt(residualVariance / (k * xbar * xbar));
  return { value: ratio, ci: [ratio - half, ratio + half] as Interval };
};

/** Two-sided p-value of the two-proportion z-test (pooled). */
export const twoProportionPValue = (x1: number, n1: number, x2: number, n2: number): number | undefined => {
  if (n1 <= 0 || n2 <= 0) return undefined;
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return x1 / n1 === x2 / n2 ? 1 : 0;
  const z = (x1 / n1 - x2 / n2) / se;
  return 2 * (1 - normalCdf(Math.abs(z), 0, 1));
};

/** Two-sided p-value of Welch's t-test from two samples' n, mean and variance. */
export const welchPValue = (
  a: { n: number; mean: number; variance: number },
  b: { n: number; mean: number; variance: number },
): number | undefined => {
  if (a.n < 2 || b.n < 2) return undefined;
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const se = Math.sqrt(va + vb);
  if (!Number.isFinite(se)) return undefined;
  if (se === 0) return a.mean === b.mean ? 1 : 0;
  const t = (a.mean - b.mean) / se;
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  return 2 * (1 - tCdf(Math.abs(t), df));
};
