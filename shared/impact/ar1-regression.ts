import type { StudentTMixture } from './distributions';
import {
  choleskyUpper,
  dot,
  inverseQuadraticForm,
  leastSquares,
  leastSquaresInPlace,
  solveUpper,
  type UpperTriangular,
} from './linear-algebra';

/**
 * Bayesian linear regression with AR(1) errors on days that may have gaps:
 *
 *   y_d = x_d' b + u_d,   u_d = phi u_(d-1) + e_d,   e_d ~ N(0, s^2) independent,
 *
 * with u a stationary AR(1) process in calendar days, observed only on the days that have data.
 * Priors: flat on b, p(s) ~ 1/s, phi uniform on a grid in (-1, 1). Given phi the model is a
 * generalised least squares problem; the gap-aware Prais-Winsten transform turns it into ordinary
 * least squares, so b and s integrate out in closed form and phi's posterior is exact on the grid:
 *
 *   p(phi | y) ~ |Omega|^(-1/2) |X~'X~|^(-1/2) RSS(phi)^(-(n-k)/2)
 *
 * (Omega the errors' correlation matrix in units of s^2, X~ the transformed design, k its columns).
 * Integrating over b and s (which gives Student t with n - k degrees of freedom) and over the phi
 * grid keeps parameter uncertainty, including that of the autocorrelation, in every interval.
 */

export interface Ar1Observation {
  /** Day number (consecutive integers are consecutive calendar days). */
  day: number;
  y: number;
  /** The design row: regressors of this day. */
  x: readonly number[];
}

export interface PhiComponent {
  phi: number;
  /** Posterior probability of this grid point. */
  weight: number;
  /** Posterior mean of b given phi (the GLS estimate). */
  coefficients: number[];
  /** R of the transformed design, so Cov(b | phi, s) = s^2 (R'R)^-1. */
  r: UpperTriangular;
  /** sqrt(RSS / df): the scale of the Student t for b and for predictions. */
  residualScale: number;
}

export interface Ar1Posterior {
  components: PhiComponent[];
  /** Residual degrees of freedom n - k. */
  df: number;
  observations: number;
  parameters: number;
  /** The last observed day: predictions carry its residual forward with weight phi^h. */
  last: Ar1Observation;
}

export type Ar1Fit =
  | { ok: true; posterior: Ar1Posterior }
  | { ok: false; problem: 'dependent_column'; column: number }
  | { ok: false; problem: 'exact_fit' };

/** phi from -0.98 to 0.98 in steps of 0.02: the posterior sd of phi is ~0.1 at 8 weeks of data. */
export const PHI_GRID: readonly number[] = Array.from({ length: 99 }, (_, i) => Math.round((i - 49) * 2) / 100);

/** Grid points below this share of the most probable one are dropped (they change nothing visible). */
const NEGLIGIBLE_WEIGHT = 1e-9;

/**
 * The gap-aware Prais-Winsten transform for one phi. With g the gap (in days) to the previous
 * observation, u_d given u_(d-g) has mean phi^g u_(d-g) and variance s^2 (1 - phi^(2g)) / (1 - phi^2),
 * so row_d - phi^g row_(d-g), scaled to unit variance, has iid N(0, s^2) errors; the first row is
 * scaled by sqrt(1 - phi^2) (the stationary variance). Returns the transformed columns and y and
 * log |Omega| (the sum of the log conditional variances).
 */
export const praisWinstenTransform = (observations: readonly Ar1Observation[], phi: number) => {
  const n = observations.length;
  const k = observations[0]?.x.length ?? 0;
  const columns = Array.from({ length: k }, () => new Float64Array(n));
  const y = new Float64Array(n);
  const oneMinusPhiSq = 1 - phi * phi;
  let logDetOmega = -Math.log(oneMinusPhiSq);
  const first = observations[0]!;
  const firstScale = Math.sqrt(oneMinusPhiSq);
  y[0] = firstScale * first.y;
  for (let j = 0; j < k; j++) columns[j]![0] = firstScale * first.x[j]!;
  for (let i = 1; i < n; i++) {
    const current = observations[i]!;
    const previous = observations[i - 1]!;
    const gap = current.day - previous.day;
    const carry = phi ** gap;
    const conditionalVariance = (1 - carry * carry) / oneMinusPhiSq;
    logDetOmega += Math.log(conditionalVariance);
    const scale = 1 / Math.sqrt(conditionalVariance);
    y[i] = scale * (current.y - carry * previous.y);
    for (let j = 0; j < k; j++) columns[j]![i] = scale * (current.x[j]! - carry * previous.x[j]!);
  }
  return { columns, y, logDetOmega };
};

/**
 * Cross products of consecutive augmented rows [x, y], grouped by the gap between them. For any phi
 * the transformed design's cross product [X~ y~]'[X~ y~] is a small combination of these, so each grid
 * point costs O(k^3) instead of a pass over the data.
 */
const gapCrossProducts = (rows: readonly (readonly number[])[], days: readonly number[]) => {
  const size = rows[0]!.length;
  const zero = () => Array.from({ length: size }, () => new Array<number>(size).fill(0));
  const groups = new Map<number, { count: number; current: number[][]; cross: number[][]; previous: number[][] }>();
  for (let i = 1; i < rows.length; i++) {
    const gap = days[i]! - days[i - 1]!;
    let group = groups.get(gap);
    if (group === undefined) {
      group = { count: 0, current: zero(), cross: zero(), previous: zero() };
      groups.set(gap, group);
    }
    group.count++;
    const [c, q] = [rows[i]!, rows[i - 1]!];
    for (let a = 0; a < size; a++) {
      for (let b = 0; b < size; b++) {
        group.current[a]![b] = group.current[a]![b]! + c[a]! * c[b]!;
        group.cross[a]![b] = group.cross[a]![b]! + c[a]! * q[b]!;
        group.previous[a]![b] = group.previous[a]![b]! + q[a]! * q[b]!;
      }
    }
  }
  const first = rows[0]!;
  return { size, first: first.map((u) => first.map((v) => u * v)), groups };
};

/**
 * [X~ y~]'[X~ y~] for one phi from the grouped cross products: the first row weighs 1 - phi^2, a row
 * after a gap g is (row - a row_prev) with a = phi^g, weighed by (1 - phi^2) / (1 - a^2); and log |Omega|.
 */
const transformedCrossProduct = (gram: ReturnType<typeof gapCrossProducts>, phi: number) => {
  const oneMinusPhiSq = 1 - phi * phi;
  const m = gram.first.map((row) => row.map((v) => oneMinusPhiSq * v));
  let logDetOmega = -Math.log(oneMinusPhiSq);
  for (const [gap, group] of gram.groups) {
    const a = phi ** gap;
    const weight = oneMinusPhiSq / (1 - a * a);
    logDetOmega += group.count * -Math.log(weight);
    for (let i = 0; i < gram.size; i++) {
      for (let j = i; j < gram.size; j++) {
        const cross = group.cross[i]![j]! + group.cross[j]![i]!;
        const value = group.current[i]![j]! - a * cross + a * a * group.previous[i]![j]!;
        m[i]![j] = m[i]![j]! + weight * value;
      }
    }
  }
  return { m, logDetOmega };
};

/** A Cholesky pivot below this share of its diagonal is too inexact: that phi is refitted by QR. */
const CHOLESKY_TOLERANCE = 1e-10;

/** GLS for one phi: by Cholesky of the cross product, or by QR of the transformed data when that is inexact. */
const fitForPhi = (
  observations: readonly Ar1Observation[],
  gram: ReturnType<typeof gapCrossProducts>,
  phi: number,
): { coefficients: number[]; rss: number; r: UpperTriangular; logDetCrossProduct: number; logDetOmega: number } => {
  const k = gram.size - 1;
  const { m, logDetOmega } = transformedCrossProduct(gram, phi);
  const cholesky = choleskyUpper(m);
  if (cholesky.ok && cholesky.r.every((row, i) => row[i]! ** 2 > CHOLESKY_TOLERANCE * m[i]![i]!)) {
    // With [X~ y~] = Q [R q; 0 rho]: R is X~'s factor, R b = q, and RSS = rho^2.
    const r = cholesky.r.slice(0, k).map((row) => row.slice(0, k));
    const coefficients = solveUpper(
      r,
      cholesky.r.slice(0, k).map((row) => row[k]!),
    );
    let logDetCrossProduct = 0;
    for (let i = 0; i < k; i++) logDetCrossProduct += 2 * Math.log(r[i]![i]!);
    return { coefficients, rss: cholesky.r[k]![k]! ** 2, r, logDetCrossProduct, logDetOmega };
  }
  const { columns, y } = praisWinstenTransform(observations, phi);
  const fit = leastSquaresInPlace(columns, y);
  if (!fit.ok) throw new Error(`the design became rank deficient at phi = ${phi}`);
  return { ...fit, rss: fit.residualSumOfSquares, logDetOmega };
};

/** Fits the model on observations sorted by day (strictly increasing), one weight per grid phi. */
export const fitAr1Regression = (
  observations: readonly Ar1Observation[],
  phiGrid: readonly number[] = PHI_GRID,
): Ar1Fit => {
  const n = observations.length;
  const k = observations[0]?.x.length ?? 0;
  if (n <= k + 1) throw new RangeError(`${n} observations cannot fit ${k} coefficients and an AR(1) term`);
  for (let i = 1; i < n; i++) {
    if (observations[i]!.day <= observations[i - 1]!.day) throw new RangeError('observations must be sorted by day');
  }
  const df = n - k;

  // Fit y in standard units (centred when column 0 is an intercept): b and s map back exactly
  // (b -> spread b + centre e_0, s -> spread s), phi's posterior is unchanged, and the cross
  // products stay free of cancellation for series with a large level.
  const hasIntercept = observations.every((o) => o.x[0] === 1);
  const centre = hasIntercept ? observations.reduce((s, o) => s + o.y, 0) / n : 0;
  const spread = Math.sqrt(observations.reduce((s, o) => s + (o.y - centre) ** 2, 0) / n);
  if (!(spread > 0)) return { ok: false, problem: 'exact_fit' };
  const standard = observations.map((o) => ({ day: o.day, x: o.x, y: (o.y - centre) / spread }));

  // The transform is invertible for |phi| < 1: rank and exactness at phi = 0 (OLS) hold for every phi.
  const ols = leastSquares(
    Array.from({ length: k }, (_, j) => standard.map((o) => o.x[j]!)),
    standard.map((o) => o.y),
  );
  if (!ols.ok) return { ok: false, problem: 'dependent_column', column: ols.dependentColumn };
  if (ols.residualSumOfSquares <= 1e-20 * n) return { ok: false, problem: 'exact_fit' };

  const gram = gapCrossProducts(
    standard.map((o) => [...o.x, o.y]),
    standard.map((o) => o.day),
  );
  const fits = phiGrid.map((phi) => {
    const fit = fitForPhi(standard, gram, phi);
    const logPosterior = -0.5 * fit.logDetOmega - 0.5 * fit.logDetCrossProduct - (df / 2) * Math.log(fit.rss);
    const coefficients = fit.coefficients.map((b, j) => spread * b + (j === 0 ? centre : 0));
    const residualScale = spread * Math.sqrt(fit.rss / df);
    return { logPosterior, component: { phi, coefficients, r: fit.r, residualScale } };
  });
  const maxLog = Math.max(...fits.map((f) => f.logPosterior));
  const kept = fits
    .map((f) => ({ ...f.component, weight: Math.exp(f.logPosterior - maxLog) }))
    .filter((c) => c.weight >= NEGLIGIBLE_WEIGHT);
  const total = kept.reduce((s, c) => s + c.weight, 0);
  for (const c of kept) c.weight /= total;
  return {
    ok: true,
    posterior: { components: kept, df, observations: n, parameters: k, last: observations[n - 1]! },
  };
};

/** Posterior mean of phi. */
export const posteriorMeanPhi = (posterior: Ar1Posterior): number =>
  posterior.components.reduce((s, c) => s + c.weight * c.phi, 0);

/** Posterior mean of the regression part x'b of a day (no AR carry-over): the structural fit. */
export const fittedRegressionValue = (posterior: Ar1Posterior, x: readonly number[]): number =>
  posterior.components.reduce((s, c) => s + c.weight * dot(x, c.coefficients), 0);

export interface FutureDay {
  day: number;
  x: readonly number[];
}

/**
 * The predictive distribution of the sum of y over the given days, all after the last observed day,
 * had the model kept holding (the counterfactual). Given phi (and b, s):
 *   y_t = x_t'b + phi^h_t (y_last - x_last'b) + (AR(1) forecast error of horizon h_t),
 * so the sum is c'b + (y_last sum phi^h_t) + noise with c = sum (x_t - phi^h_t x_last). Its variance
 * is s^2 [c'(X~'X~)^-1 c + sum_k w_k^2]: parameter uncertainty plus the innovations e_k after the last
 * observation, each entering the sum with weight w_k = sum over summed days t >= k of phi^(t-k).
 */
export const predictSum = (posterior: Ar1Posterior, days: readonly FutureDay[]): StudentTMixture => {
  const last = posterior.last;
  const horizons = days.map((d) => d.day - last.day);
  if (horizons.some((h) => h < 1)) throw new RangeError('predicted days must come after the last observed day');
  const maxHorizon = Math.max(0, ...horizons);
  const summed = new Uint8Array(maxHorizon + 1);
  for (const h of horizons) summed[h] = 1;

  const components = posterior.components.map((component) => {
    const { phi, coefficients } = component;
    const lastResidual = last.y - dot(last.x, coefficients);
    const c = new Array<number>(last.x.length).fill(0);
    let location = 0;
    days.forEach((d, i) => {
      const carry = phi ** horizons[i]!;
      location += dot(d.x, coefficients) + carry * lastResidual;
      for (let j = 0; j < c.length; j++) c[j] = c[j]! + d.x[j]! - carry * last.x[j]!;
    });
    // Innovation k (horizon k) enters every summed day t >= k with phi^(t-k): accumulate backwards.
    let weight = 0;
    let noiseVariance = 0;
    for (let h = maxHorizon; h >= 1; h--) {
      weight = phi * weight + summed[h]!;
      noiseVariance += weight * weight;
    }
    const variance = inverseQuadraticForm(component.r, c) + noiseVariance;
    return { weight: component.weight, location, scale: component.residualScale * Math.sqrt(variance) };
  });
  return { df: posterior.df, components };
};
