/**
 * Reference computations for the impact tests, written apart from the code under test: dense
 * matrices, Gauss-Jordan inversion and LU determinants (no QR, no Prais-Winsten, no recursions).
 * Slow and simple on purpose.
 */

export type Matrix = number[][];

export const transpose = (a: Matrix): Matrix => a[0]!.map((_, j) => a.map((row) => row[j]!));

export const multiply = (a: Matrix, b: Matrix): Matrix =>
  a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));

export const column = (v: readonly number[]): Matrix => v.map((x) => [x]);

/** Inverse by Gauss-Jordan elimination with partial pivoting. */
export const inverse = (a: Matrix): Matrix => {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[pivot]![c]!)) pivot = r;
    [m[c], m[pivot]] = [m[pivot]!, m[c]!];
    const p = m[c]![c]!;
    for (let j = 0; j < 2 * n; j++) m[c]![j] = m[c]![j]! / p;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]!;
      for (let j = 0; j < 2 * n; j++) m[r]![j] = m[r]![j]! - f * m[c]![j]!;
    }
  }
  return m.map((row) => row.slice(n));
};

/** log |det A| by Gaussian elimination with partial pivoting. */
export const logAbsDeterminant = (a: Matrix): number => {
  const m = a.map((row) => [...row]);
  const n = m.length;
  let logDet = 0;
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[pivot]![c]!)) pivot = r;
    [m[c], m[pivot]] = [m[pivot]!, m[c]!];
    const p = m[c]![c]!;
    logDet += Math.log(Math.abs(p));
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / p;
      for (let j = c; j < n; j++) m[r]![j] = m[r]![j]! - f * m[c]![j]!;
    }
  }
  return logDet;
};

/** The AR(1) correlation structure in units of the innovation variance: phi^|di - dj| / (1 - phi^2). */
export const ar1Covariance = (daysA: readonly number[], daysB: readonly number[], phi: number): Matrix =>
  daysA.map((a) => daysB.map((b) => phi ** Math.abs(a - b) / (1 - phi * phi)));

/**
 * Generalised least squares by the textbook formulas with the dense covariance:
 * b = (X' W X)^-1 X' W y with W = Omega^-1, RSS = (y - Xb)' W (y - Xb).
 */
export const denseGls = (x: Matrix, y: readonly number[], omega: Matrix) => {
  const w = inverse(omega);
  const xt = transpose(x);
  const a = multiply(multiply(xt, w), x);
  const aInverse = inverse(a);
  const b = multiply(aInverse, multiply(multiply(xt, w), column(y))).map((row) => row[0]!);
  const residual = y.map((v, i) => v - x[i]!.reduce((s, xij, j) => s + xij * b[j]!, 0));
  const rss = multiply(multiply([residual], w), column(residual))[0]![0]!;
  return { b, rss, a, aInverse, w };
};
