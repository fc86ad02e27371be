/**
 * Distribution functions written independently of the code under test (series, continued
 * fractions, quadrature), for reference computations in tests only.
 */

/** ln Gamma by the Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for x > 0.5. */
export const lnGamma = (x: number): number => {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i += 1) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
};

/** Standard normal CDF by the Maclaurin series of erf; accurate to ~1e-15 absolute for |x| <= 5. */
export const normalCdfSeries = (x: number) => {
  const t = x / Math.SQRT2;
  let term = t;
  let sum = t;
  for (let n = 1; n < 300; n += 1) {
    term *= (-t * t) / n;
    sum += term / (2 * n + 1);
  }
  return 0.5 * (1 + (2 / Math.sqrt(Math.PI)) * sum);
};

/**
 * Upper normal tail Q(z) for z >= 3 by Laplace's continued fraction of the Mills ratio,
 * Q(z) = phi(z) / (z + 1 / (z + 2 / (z + 3 / (z + ...)))), evaluated bottom-up; relative accuracy
 * ~1e-15 with 200 terms at z >= 3. phi(z) is formed in log space so it underflows only when Q does.
 */
export const normalUpperTailContinuedFraction = (z: number) => {
  let fraction = z;
  for (let k = 200; k >= 1; k -= 1) fraction = z + k / fraction;
  return Math.exp(-0.5 * z * z - 0.5 * Math.log(2 * Math.PI) - Math.log(fraction));
};

/** P(T >= t) for Student's t, t >= 0, by Simpson's rule on the density from 0 to t (moderate t only). */
export const studentTUpperTailByQuadrature = (t: number, df: number) => {
  const k = Math.exp(lnGamma((df + 1) / 2) - lnGamma(df / 2)) / Math.sqrt(df * Math.PI);
  const f = (x: number) => k * (1 + (x * x) / df) ** (-(df + 1) / 2);
  const steps = 20_000;
  const h = t / steps;
  let sum = f(0) + f(t);
  for (let i = 1; i < steps; i += 1) sum += (i % 2 === 1 ? 4 : 2) * f(i * h);
  return 0.5 - (sum * h) / 3;
};

/** Published two-sided 95% Student t quantiles t_{0.975, df} (any statistics table). */
export const T975: Readonly<Record<number, number>> = {
  1: 12.706205,
  2: 4.302653,
  3: 3.182446,
  4: 2.776445,
  5: 2.570582,
  6: 2.446912,
  9: 2.262157,
  12: 2.178813,
  18: 2.100922,
  30: 2.042272,
  39: 2.022691,
};
