/**
 * A tiny seeded PRNG for simulations in tests and scripts, so every run draws the same numbers:
 * mulberry32 (32-bit state, period 2^32, passes the usual quick statistical batteries) for
 * uniforms, Box-Muller for normals, Marsaglia-Tsang for gammas (hence chi-squares and betas).
 */
export interface SeededRandom {
  /** Uniform on (0, 1), never exactly 0. */
  readonly uniform: () => number;
  /** Standard normal. */
  readonly normal: () => number;
  /** Gamma(shape, 1). */
  readonly gamma: (shape: number) => number;
  /** Chi-square with df degrees of freedom. */
  readonly chiSquare: (df: number) => number;
  /** Beta(a, b). */
  readonly beta: (a: number, b: number) => number;
  /** Binomial(n, p): exact by inversion for small n p, normal approximation (rounded, clamped) beyond. */
  readonly binomial: (n: number, p: number) => number;
  /** Poisson(mean), by Knuth's product of uniforms (fine for means up to a few hundred). */
  readonly poisson: (mean: number) => number;
}

/**
 * mulberry32's stream of unsigned 32-bit integers: the one generator behind every seeded stream of
 * the tests, the scripts and the benchmark's data (each maps it to its own uniforms).
 */
export const mulberry32 = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
};

export const seededRandom = (seed: number): SeededRandom => {
  const bits = mulberry32(seed);
  const uniform = () => (bits() + 0.5) / 4294967296;
  // Box-Muller gives two normals per pair of uniforms; keep the second for the next call.
  let spare: number | undefined;
  const normal = () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const theta = 2 * Math.PI * uniform();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
  const gamma = (shape: number): number => {
    if (shape < 1) return gamma(shape + 1) * uniform() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = normal();
      const v = (1 + c * x) ** 3;
      if (v <= 0) continue;
      const u = uniform();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  };
  const chiSquare = (df: number) => 2 * gamma(df / 2);
  const beta = (a: number, b: number) => {
    const x = gamma(a);
    return x / (x + gamma(b));
  };
  const binomial = (n: number, p: number) => {
    const mean = n * p;
    if (mean < 30) {
      // Inversion by the recurrence P(k + 1) = P(k) (n - k) p / ((k + 1) (1 - p)).
      let k = 0;
      let prob = (1 - p) ** n;
      let cumulative = prob;
      const u = uniform();
      while (u > cumulative && k < n) {
        prob *= ((n - k) * p) / ((k + 1) * (1 - p));
        k += 1;
        cumulative += prob;
      }
      return k;
    }
    const draw = Math.round(mean + Math.sqrt(mean * (1 - p)) * normal());
    return Math.min(n, Math.max(0, draw));
  };
  const poisson = (mean: number) => {
    const limit = Math.exp(-mean);
    let k = 0;
    let product = uniform();
    while (product > limit) {
      k += 1;
      product *= uniform();
    }
    return k;
  };
  return { uniform, normal, gamma, chiSquare, beta, binomial, poisson };
};
