/**
 * The little linear algebra the impact estimate needs: least squares by Householder QR for a
 * tall design (hundreds of rows, at most ~20 columns) and solves with its triangular factor.
 *
 * Hand-written rather than a numerical library: these ~100 lines are all that is used, and a
 * library would add far more to the Lambda bundle. QR rather than the normal equations because
 * it does not square the design's condition number (a trend next to an intercept is already
 * mildly ill-conditioned).
 */

/** Upper-triangular p x p factor R of X = QR, row-major: r[i][j] for j >= i. */
export type UpperTriangular = readonly (readonly number[])[];

export type LeastSquaresFit =
  | {
      ok: true;
      coefficients: number[];
      /** Sum of squared residuals ||y - X b||^2. */
      residualSumOfSquares: number;
      /** R with X'X = R'R, so (X'X)^-1 = R^-1 R^-T. */
      r: UpperTriangular;
      /** log det(X'X) = 2 sum log |R_ii|. */
      logDetCrossProduct: number;
    }
  | {
      ok: false;
      /** The first column that is (numerically) a linear combination of the columns before it. */
      dependentColumn: number;
    };

/**
 * A column whose part orthogonal to the earlier columns is below this share of its own length is
 * treated as a linear combination of them (the design is then rank deficient).
 */
const RANK_TOLERANCE = 1e-9;

/**
 * Least squares min ||y - X b|| for X given as its p columns, each of length n (n >= p).
 * Householder reflections are applied column by column without pivoting, so a dependent column is
 * reported by its own index (the caller knows what it means: a control, a weekday...).
 */
export const leastSquares = (columns: readonly ArrayLike<number>[], y: ArrayLike<number>): LeastSquaresFit => {
  const n = y.length;
  for (const column of columns) {
    if (column.length !== n) throw new RangeError('every column must have as many rows as y');
  }
  return leastSquaresInPlace(
    columns.map((column) => Float64Array.from(column)),
    Float64Array.from(y),
  );
};

/** leastSquares that overwrites its arguments (it runs once per autocorrelation on the grid). */
export const leastSquaresInPlace = (a: Float64Array[], qty: Float64Array): LeastSquaresFit => {
  const p = a.length;
  const n = qty.length;
  if (n < p) throw new RangeError(`least squares needs at least as many rows (${n}) as columns (${p})`);
  const r: number[][] = Array.from({ length: p }, () => new Array<number>(p).fill(0));

  for (let k = 0; k < p; k++) {
    const v = a[k]!;
    let originalNormSq = 0;
    for (let i = 0; i < k; i++) originalNormSq += v[i]! * v[i]!;
    let normSq = 0;
    for (let i = k; i < n; i++) normSq += v[i]! * v[i]!;
    originalNormSq += normSq;
    const norm = Math.sqrt(normSq);
    if (norm === 0 || norm <= RANK_TOLERANCE * Math.sqrt(originalNormSq)) return { ok: false, dependentColumn: k };

    // Reflect v[k..n) onto alpha e_k with alpha = -sign(v_k) norm (the sign avoids cancellation);
    // the Householder vector overwrites the column itself: v - alpha e_k.
    const alpha = v[k]! > 0 ? -norm : norm;
    v[k] = v[k]! - alpha;
    const vNormSq = normSq - 2 * alpha * (v[k]! + alpha) + alpha * alpha;
    const reflect = (target: Float64Array) => {
      let dotProduct = 0;
      for (let i = k; i < n; i++) dotProduct += v[i]! * target[i]!;
      const factor = (2 * dotProduct) / vNormSq;
      for (let i = k; i < n; i++) target[i] = target[i]! - factor * v[i]!;
    };
    for (let j = k + 1; j < p; j++) reflect(a[j]!);
    reflect(qty);
    r[k]![k] = alpha;
    for (let j = k + 1; j < p; j++) r[k]![j] = a[j]![k]!;
  }

  const coefficients = solveUpper(r, Array.from(qty.subarray(0, p)));
  let residualSumOfSquares = 0;
  for (let i = p; i < n; i++) residualSumOfSquares += qty[i]! * qty[i]!;
  let logDetCrossProduct = 0;
  for (let k = 0; k < p; k++) logDetCrossProduct += 2 * Math.log(Math.abs(r[k]![k]!));
  return { ok: true, coefficients, residualSumOfSquares, r, logDetCrossProduct };
};

/** Solves R x = b for upper-triangular R (back substitution). */
export const solveUpper = (r: UpperTriangular, b: readonly number[]): number[] => {
  const p = b.length;
  const x = new Array<number>(p).fill(0);
  for (let i = p - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let j = i + 1; j < p; j++) s -= r[i]![j]! * x[j]!;
    x[i] = s / r[i]![i]!;
  }
  return x;
};

/** Solves R' z = c for upper-triangular R (forward substitution with the transpose). */
export const solveUpperTransposed = (r: UpperTriangular, c: readonly number[]): number[] => {
  const p = c.length;
  const z = new Array<number>(p).fill(0);
  for (let i = 0; i < p; i++) {
    let s = c[i]!;
    for (let j = 0; j < i; j++) s -= r[j]![i]! * z[j]!;
    z[i] = s / r[i]![i]!;
  }
  return z;
};

/** c' (X'X)^-1 c from the R of X = QR: with R'z = c it is z'z. */
export const inverseQuadraticForm = (r: UpperTriangular, c: readonly number[]): number => {
  const z = solveUpperTransposed(r, c);
  let s = 0;
  for (const value of z) s += value * value;
  return s;
};

export const dot = (a: readonly number[], b: readonly number[]): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/**
 * Cholesky factor of a symmetric positive definite matrix: upper-triangular R with R'R = A (only the
 * upper triangle of A is read). Returns the index of the first non-positive pivot when A is not
 * (numerically) positive definite.
 */
export const choleskyUpper = (
  a: readonly (readonly number[])[],
): { ok: true; r: number[][] } | { ok: false; pivot: number } => {
  const p = a.length;
  const r: number[][] = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let i = 0; i < p; i++) {
    let diagonal = a[i]![i]!;
    for (let k = 0; k < i; k++) diagonal -= r[k]![i]! * r[k]![i]!;
    if (!(diagonal > 0)) return { ok: false, pivot: i };
    const rii = Math.sqrt(diagonal);
    r[i]![i] = rii;
    for (let j = i + 1; j < p; j++) {
      let s = a[i]![j]!;
      for (let k = 0; k < i; k++) s -= r[k]![i]! * r[k]![j]!;
      r[i]![j] = s / rii;
    }
  }
  return { ok: true, r };
};
