import { jStat } from './distributions';

// The regularized incomplete beta function of jStat (not in types/modules.d.ts, which declares
// only what the report uses). Its continued fraction stops at a relative step of 3e-7, so tails
// carry about six significant digits: plenty for a p-value, and it never cancels to 0.
const { ibeta } = jStat as unknown as { ibeta: (x: number, a: number, b: number) => number };

// Chebyshev coefficients of erfc (Numerical Recipes 3rd ed., Erf::erfccheb; the same series jStat's
// erf uses). jStat returns erfc as 1 - erf, which cancels to exactly 0 beyond x ~ 6; evaluating
// the series directly keeps the relative error near 1e-15 down to the smallest double.
const ERFC_COEFFICIENTS = [
  -1.3026537197817094, 6.4196979235649026e-1, 1.9476473204185836e-2, -9.561514786808631e-3, -9.46595344482036e-4,
  3.66839497852761e-4, 4.2523324806907e-5, -2.0278578112534e-5, -1.624290004647e-6, 1.30365583558e-6,
  1.5626441722e-8, -8.5238095915e-8, 6.529054439e-9, 5.059343495e-9, -9.91364156e-10, -2.27365122e-10,
  9.6467911e-11, 2.394038e-12, -6.886027e-12, 8.94487e-13, 3.13092e-13, -1.12708e-13, 3.81e-16, 7.106e-15,
  -1.523e-15, -9.4e-17, 1.21e-16, -2.8e-17,
] as const;

/** The complementary error function, accurate in relative terms far into the upper tail. */
export const erfc = (x: number): number => {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  const t = 2 / (2 + x);
  const ty = 4 * t - 2;
  let d = 0;
  let dd = 0;
  for (let j = ERFC_COEFFICIENTS.length - 1; j > 0; j -= 1) {
    const previous = d;
    d = ty * d - dd + ERFC_COEFFICIENTS[j]!;
    dd = previous;
  }
  return t * Math.exp(-x * x + 0.5 * (ERFC_COEFFICIENTS[0] + ty * d) - dd);
};

/** P(Z >= z) for a standard normal Z, by erfc, so it stays a positive double until ~1e-308 (z ~ 37.5). */
export const normalUpperTail = (z: number) => 0.5 * erfc(z / Math.SQRT2);

/** P(T >= t) for Student's t with df degrees of freedom, by the incomplete beta function (no 1 - cdf). */
export const studentTUpperTail = (t: number, df: number): number => {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  if (t < 0) return 1 - studentTUpperTail(-t, df);
  // Beyond ~1e7 degrees of freedom t and normal agree to far more digits than are shown.
  if (df > 1e7) return normalUpperTail(t);
  if (t === Number.POSITIVE_INFINITY) return 0;
  return 0.5 * ibeta(df / (df + t * t), df / 2, 0.5);
};


// Acklam's rational approximation of the normal quantile (relative error < 1.2e-9), refined by one
// Halley step on the erfc-based cdf above, which brings it to about full double precision.
const A = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239];
const B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const C = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];

const lowerTailQuantile = (p: number) => {
  const q = Math.sqrt(-2 * Math.log(p));
  return ((((((C[0]! * q + C[1]!) * q + C[2]!) * q + C[3]!) * q + C[4]!) * q + C[5]!) /
    ((((D[0]! * q + D[1]!) * q + D[2]!) * q + D[3]!) * q + 1));
};

/** The standard normal quantile Phi^-1(p), accurate in the far lower tail (p down to the smallest double). */
export const normalQuantile = (p: number): number => {
  if (Number.isNaN(p) || p < 0 || p > 1) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  // Upper half by symmetry, so small upper-tail probabilities are never formed as 1 - p.
  if (p > 0.5) return -normalQuantile(1 - p);
  let x: number;
  if (p < 0.02425) x = lowerTailQuantile(p);
  else {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((A[0]! * r + A[1]!) * r + A[2]!) * r + A[3]!) * r + A[4]!) * r + A[5]!) * q) /
      (((((B[0]! * r + B[1]!) * r + B[2]!) * r + B[3]!) * r + B[4]!) * r + 1);
  }
  // exp(x^2 / 2) overflows beyond |x| ~ 37.6, where the approximation is already as good as p allows.
  if (Math.abs(x) < 37) {
    const error = normalUpperTail(-x) - p;
    const u = error * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
    x -= u / (1 + (x * u) / 2);
  }
  return x;
};

/**
 * The normal score of a t statistic: the z with the same tail probability, Phi^-1(F_t(t; df)),
 * computed from the smaller tail so it stays accurate far out. A t statistic with few degrees of
 * freedom is too often large to be read on the normal scale; its normal score is exactly standard
 * normal when the t statistic is exactly t-distributed.
 */
export const normalScoreOfT = (t: number, df: number): number => {
  if (Number.isNaN(t)) return Number.NaN;
  if (t === 0) return 0;
  const tail = studentTUpperTail(Math.abs(t), df);
  return Math.sign(t) * -normalQuantile(tail);
};
