import { describe, expect, it } from 'vitest';
import {
  fitAr1Regression,
  posteriorMeanPhi,
  praisWinstenTransform,
  predictSum,
  type Ar1Observation,
} from '../../../shared/impact/ar1-regression';
import { ar1Covariance, column, denseGls, inverse, logAbsDeterminant, multiply, transpose } from './dense-reference';
import { normalSampler, seededRandom } from './simulated-series';

/** Days with gaps of 1, 2, 3 and 5 days. */
const GAPPY_DAYS = [0, 1, 2, 4, 5, 6, 9, 10, 11, 12, 17, 18, 19, 20, 21, 23, 24, 25, 26, 27, 30, 31, 32, 33];

const observationsOn = (days: readonly number[], seed: number, phi = 0.5): Ar1Observation[] => {
  const normal = normalSampler(seededRandom(seed));
  let noise = normal() / Math.sqrt(1 - phi * phi);
  let previousDay = days[0]!;
  return days.map((day) => {
    for (; previousDay < day; previousDay++) noise = phi * noise + normal();
    const x = [1, day / 30, Math.sin(day / 3)];
    return { day, x, y: 10 + 4 * x[1]! + 2 * x[2]! + noise };
  });
};

describe('praisWinstenTransform and fitAr1Regression against dense GLS', () => {
  for (const phi of [-0.4, 0, 0.3, 0.8]) {
    it(`give the GLS coefficients, RSS and log|Omega| of the dense AR(1) covariance (phi = ${phi}, gaps)`, () => {
      // Prepare
      const observations = observationsOn(GAPPY_DAYS, 11);
      const omega = ar1Covariance(GAPPY_DAYS, GAPPY_DAYS, phi);
      const dense = denseGls(
        observations.map((o) => [...o.x]),
        observations.map((o) => o.y),
        omega,
      );
      // Act
      const { logDetOmega } = praisWinstenTransform(observations, phi);
      const fit = fitAr1Regression(observations, [phi]);
      // Assess
      if (!fit.ok) throw new Error('expected a fit');
      const component = fit.posterior.components[0]!;
      component.coefficients.forEach((b, j) => expect(b).toBeCloseTo(dense.b[j]!, 9));
      expect(component.residualScale ** 2 * fit.posterior.df).toBeCloseTo(dense.rss, 9);
      expect(logDetOmega).toBeCloseTo(logAbsDeterminant(omega), 9);
    });
  }

  it('stays exact for a large level and an autocorrelation near 1 (phi = +-0.98, level 1e6)', () => {
    // Prepare
    const observations = observationsOn(GAPPY_DAYS, 14).map((o) => ({ ...o, y: 1e6 + 1e3 * o.y }));
    for (const phi of [-0.98, 0.98]) {
      const dense = denseGls(
        observations.map((o) => [...o.x]),
        observations.map((o) => o.y),
        ar1Covariance(GAPPY_DAYS, GAPPY_DAYS, phi),
      );
      // Act
      const fit = fitAr1Regression(observations, [phi]);
      // Assess
      if (!fit.ok) throw new Error('expected a fit');
      const component = fit.posterior.components[0]!;
      component.coefficients.forEach((b, j) => expect(b / dense.b[j]!).toBeCloseTo(1, 8));
      expect((component.residualScale ** 2 * fit.posterior.df) / dense.rss).toBeCloseTo(1, 8);
    }
  });

  it("weighs the grid by |Omega|^-1/2 |X'Omega^-1 X|^-1/2 RSS^-(n-k)/2, as computed densely", () => {
    // Prepare
    const observations = observationsOn(GAPPY_DAYS, 12);
    const grid = [-0.5, 0, 0.4, 0.7, 0.9];
    const n = observations.length;
    const k = observations[0]!.x.length;
    const logPosterior = grid.map((phi) => {
      const omega = ar1Covariance(GAPPY_DAYS, GAPPY_DAYS, phi);
      const dense = denseGls(
        observations.map((o) => [...o.x]),
        observations.map((o) => o.y),
        omega,
      );
      return -0.5 * logAbsDeterminant(omega) - 0.5 * logAbsDeterminant(dense.a) - ((n - k) / 2) * Math.log(dense.rss);
    });
    const max = Math.max(...logPosterior);
    const total = logPosterior.reduce((s, l) => s + Math.exp(l - max), 0);
    const expected = logPosterior.map((l) => Math.exp(l - max) / total);
    // Act
    const fit = fitAr1Regression(observations, grid);
    // Assess
    if (!fit.ok) throw new Error('expected a fit');
    const weights = grid.map((phi) => fit.posterior.components.find((c) => c.phi === phi)?.weight ?? 0);
    weights.forEach((w, i) => expect(w).toBeCloseTo(expected[i]!, 9));
  });
});

describe('the autocorrelation estimate', () => {
  /** Lag-1 autocorrelation of the OLS residuals of y on (1, t): the Yule-Walker estimate, done by hand. */
  const yuleWalker = (y: readonly number[]) => {
    const n = y.length;
    const tbar = (n - 1) / 2;
    const ybar = y.reduce((s, v) => s + v, 0) / n;
    let sty = 0;
    let stt = 0;
    y.forEach((v, t) => {
      sty += (t - tbar) * (v - ybar);
      stt += (t - tbar) ** 2;
    });
    const slope = sty / stt;
    const e = y.map((v, t) => v - ybar - slope * (t - tbar));
    let lag = 0;
    let zero = 0;
    e.forEach((v, t) => {
      zero += v * v;
      if (t > 0) lag += v * e[t - 1]!;
    });
    return lag / zero;
  };

  it('recovers phi = 0.6 on a long series, close to the Yule-Walker estimate', () => {
    // Prepare
    const normal = normalSampler(seededRandom(21));
    let u = normal() / Math.sqrt(1 - 0.36);
    const y = Array.from({ length: 1500 }, (_, t) => {
      if (t > 0) u = 0.6 * u + normal();
      return 50 + 0.01 * t + u;
    });
    const observations = y.map((v, t) => ({ day: t, y: v, x: [1, t / 1500] }));
    // Act
    const fit = fitAr1Regression(observations);
    // Assess
    if (!fit.ok) throw new Error('expected a fit');
    const phi = posteriorMeanPhi(fit.posterior);
    expect(Math.abs(phi - 0.6)).toBeLessThan(0.05);
    expect(Math.abs(phi - yuleWalker(y))).toBeLessThan(0.01);
  });

  it('recovers phi across gaps (a fifth of the days missing at random) without bias', () => {
    // Prepare
    const random = seededRandom(22);
    const normal = normalSampler(random);
    let u = normal() / Math.sqrt(1 - 0.36);
    const observations: Ar1Observation[] = [];
    for (let t = 0; t < 1500; t++) {
      if (t > 0) u = 0.6 * u + normal();
      if (random() < 0.2) continue;
      observations.push({ day: t, y: 50 + u, x: [1] });
    }
    // Act
    const fit = fitAr1Regression(observations);
    // Assess
    if (!fit.ok) throw new Error('expected a fit');
    expect(Math.abs(posteriorMeanPhi(fit.posterior) - 0.6)).toBeLessThan(0.05);
  });

  it('reports an exactly fitted series and a dependent column instead of dividing by zero', () => {
    // Prepare
    const exact = Array.from({ length: 30 }, (_, t) => ({ day: t, y: 3 + 2 * t, x: [1, t] }));
    const dependent = Array.from({ length: 30 }, (_, t) => ({ day: t, y: Math.sin(t), x: [1, t, 2 * t + 1] }));
    // Act / Assess
    expect(fitAr1Regression(exact)).toEqual({ ok: false, problem: 'exact_fit' });
    expect(fitAr1Regression(dependent)).toEqual({ ok: false, problem: 'dependent_column', column: 2 });
  });
});

describe('predictSum against the dense best linear unbiased predictor', () => {
  it('gives its mean and variance for a sum over future days with gaps (Goldberger 1962)', () => {
    // Prepare: y_f = X_f b^ + S_fp S_pp^-1 (y - X b^); the variance of the summed prediction error is
    // s^2 [1'(S_ff - S_fp S_pp^-1 S_pf)1 + m' A^-1 m], m = (X_f - S_fp S_pp^-1 X_p)'1, A = X'S^-1 X.
    const phi = 0.6;
    const observations = observationsOn(GAPPY_DAYS, 13, phi);
    const last = GAPPY_DAYS[GAPPY_DAYS.length - 1]!;
    const futureDays = [last + 1, last + 2, last + 5, last + 6, last + 14];
    const future = futureDays.map((day) => ({ day, x: [1, day / 30, Math.sin(day / 3)] }));
    const xp = observations.map((o) => [...o.x]);
    const xf = future.map((f) => [...f.x]);
    const y = observations.map((o) => o.y);
    const spp = ar1Covariance(GAPPY_DAYS, GAPPY_DAYS, phi);
    const sfp = ar1Covariance(futureDays, GAPPY_DAYS, phi);
    const sff = ar1Covariance(futureDays, futureDays, phi);
    const gls = denseGls(xp, y, spp);
    const kriging = multiply(sfp, inverse(spp)); // S_fp S_pp^-1
    const residual = y.map((v, i) => v - xp[i]!.reduce((s, x, j) => s + x * gls.b[j]!, 0));
    const carried = multiply(kriging, column(residual)).map((r) => r[0]!);
    const expectedMean = xf.reduce((s, row, i) => s + row.reduce((t, x, j) => t + x * gls.b[j]!, 0) + carried[i]!, 0);
    const ones = [futureDays.map(() => 1)];
    const conditional = sff.map((row, i) => row.map((v, j) => v - multiply(kriging, transpose(sfp))[i]![j]!));
    const noise = multiply(multiply(ones, conditional), transpose(ones))[0]![0]!;
    const m = multiply(
      ones,
      xf.map((row, i) => row.map((v, j) => v - multiply(kriging, xp)[i]![j]!)),
    );
    const parameter = multiply(multiply(m, gls.aInverse), transpose(m))[0]![0]!;
    const s2 = gls.rss / (observations.length - 3);
    // Act
    const fit = fitAr1Regression(observations, [phi]);
    if (!fit.ok) throw new Error('expected a fit');
    const prediction = predictSum(fit.posterior, future);
    // Assess
    expect(prediction.components).toHaveLength(1);
    expect(prediction.df).toBe(observations.length - 3);
    expect(prediction.components[0]!.location).toBeCloseTo(expectedMean, 8);
    expect(prediction.components[0]!.scale).toBeCloseTo(Math.sqrt(s2 * (noise + parameter)), 8);
  });
});
