/**
 * The distributions every interval and test of crosslift uses: normal and Student t tails,
 * quantiles and the regularized incomplete beta function behind them. Written here rather than
 * taken from a library: jStat, the smallest we found (@stdlib's per-function packages bundle to
 * ~190 KB), added 52 KB to every Lambda bundle for five functions, and its erfc and t tails cancel
 * to 0 far out. These follow Numerical Recipes (3rd ed., sections 6.1, 6.2, 6.4, 6.14) and are
 * checked against published tables and independent series in test/shared/verdicts/tails.test.ts.
 */

/** ln Gamma(x) for x > 0 (Lanczos, g = 7, n = 9; relative error ~1e-15). */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
] as const;
export const logGamma = (x: number): number => {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i += 1) sum += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
};

/** The continued fraction of the incomplete beta function (modified Lentz). */
const betaContinuedFraction = (x: number, a: number, b: number): number => {
  const TINY = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m += 1) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return h;
};

/** The regularized incomplete beta function I_x(a, b), for 0 <= x <= 1 and a, b > 0. */
export const ibeta = (x: number, a: number, b: number): number => {
  if (Number.isNaN(x) || x < 0 || x > 1) return Number.NaN;
  if (x === 0 || x === 1) return x;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  // The fraction converges fast on the side of the mean; use the symmetry I_x(a, b) = 1 - I_(1-x)(b, a) past it.
  return x < (a + 1) / (a + b + 2)
    ? (front * betaContinuedFraction(x, a, b)) / a
    : 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
};

// Chebyshev coefficients of erfc (Numerical Recipes 3rd ed., Erf::erfccheb). Evaluating the
// series directly, rather than 1 - erf (which cancels to exactly 0 beyond x ~ 6), keeps the
// relative error near 1e-15 down to the smallest double.
const ERFC_COEFFICIENTS = [
  -1.3026537197817094, 6.419697923564902e-1, 1.9476473204185836e-2, -9.561514786808631e-3, -9.46595344482036e-4,
  3.66839497852761e-4, 4.2523324806907e-5, -2.0278578112534e-5, -1.624290004647e-6, 1.30365583558e-6, 1.5626441722e-8,
  -8.5238095915e-8, 6.529054439e-9, 5.059343495e-9, -9.91364156e-10, -2.27365122e-10, 9.6467911e-11, 2.394038e-12,
  -6.886027e-12, 8.94487e-13, 3.13092e-13, -1.12708e-13, 3.81e-16, 7.106e-15, -1.523e-15, -9.4e-17, 1.21e-16, -2.8e-17,
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
  // I_x(df/2, 1/2) at x = df / (df + t^2). Near t = 0, x rounds towards 1 and loses the digits
  // that matter; there (y = t^2 / (df + t^2) below the mean of Beta(1/2, df/2), where ibeta reads
  // I_y directly and the tail is still near 1/2, so nothing cancels) the complement
  // 1/2 - I_y(1/2, df/2) / 2 is used. Beyond, the direct form keeps far tails in relative terms.
  const y = (t * t) / (df + t * t);
  return y < 1.5 / (df / 2 + 2.5) ? 0.5 - 0.5 * ibeta(y, 0.5, df / 2) : 0.5 * ibeta(df / (df + t * t), df / 2, 0.5);
};

/** P(T <= t) for Student's t with df degrees of freedom. */
export const studentTCdf = (t: number, df: number): number => {
  if (Number.isNaN(t)) return Number.NaN;
  return t >= 0 ? 1 - studentTUpperTail(t, df) : studentTUpperTail(-t, df);
};

/** The density of Student's t with df degrees of freedom. */
const studentTDensity = (t: number, df: number) =>
  Math.exp(
    logGamma((df + 1) / 2) -
      logGamma(df / 2) -
      0.5 * Math.log(df * Math.PI) -
      ((df + 1) / 2) * Math.log1p((t * t) / df),
  );

/**
 * The quantile of Student's t: Newton's method on the cdf from the normal quantile's
 * Cornish-Fisher start, kept inside a bracket that bisection shrinks when a step leaves it.
 */
export const studentTQuantile = (p: number, df: number): number => {
  if (Number.isNaN(p) || p < 0 || p > 1 || !(df > 0)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p === 0.5) return 0;
  // Upper half by symmetry, so small tail probabilities are never formed as 1 - p.
  if (p > 0.5) return -studentTQuantile(1 - p, df);
  if (df > 1e7) return normalQuantile(p);
  const z = normalQuantile(p);
  const g1 = (z ** 3 + z) / 4;
  const g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96;
  let x = z + g1 / df + g2 / (df * df);
  let low = Number.NEGATIVE_INFINITY;
  let high = 0;
  for (let i = 0; i < 200; i += 1) {
    const tail = studentTUpperTail(-x, df); // = P(T <= x) for x < 0, accurate in the tail
    const error = tail - p;
    if (error > 0) high = Math.min(high, x);
    else low = Math.max(low, x);
    const step = error / studentTDensity(x, df);
    let next = x - step;
    if (!(next > low && next < high)) next = Number.isFinite(low) ? (low + high) / 2 : 2 * Math.min(x, -1);
    if (Math.abs(next - x) <= 1e-14 * Math.max(1, Math.abs(x))) return next;
    x = next;
  }
  return x;
};

// Acklam's rational approximation of the normal quantile (relative error < 1.2e-9), refined by one
// Halley step on the erfc-based cdf above, which brings it to about full double precision.
const A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
];
const B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];

const lowerTailQuantile = (p: number) => {
  const q = Math.sqrt(-2 * Math.log(p));
  return (
    (((((C[0]! * q + C[1]!) * q + C[2]!) * q + C[3]!) * q + C[4]!) * q + C[5]!) /
    ((((D[0]! * q + D[1]!) * q + D[2]!) * q + D[3]!) * q + 1)
  );
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
    x =
      ((((((A[0]! * r + A[1]!) * r + A[2]!) * r + A[3]!) * r + A[4]!) * r + A[5]!) * q) /
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
