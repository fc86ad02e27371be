import jStat from 'jstat';
import type { VerdictLocale } from './target-status';

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

/**
 * A p-value as a strictly positive double: exact when representable, else the smallest positive
 * double (5e-324), so JSON never carries a 0 that the data cannot support. Capped at 1.
 */
export const positivePValue = (p: number): number => {
  if (Number.isNaN(p)) throw new Error('a p-value cannot be NaN');
  return Math.min(1, Math.max(Number.MIN_VALUE, p));
};

/** Two-sided p-value of a z statistic, never 0. */
export const twoSidedNormalPValue = (z: number) => positivePValue(2 * normalUpperTail(Math.abs(z)));

/** Two-sided p-value of a t statistic with df degrees of freedom, never 0. */
export const twoSidedTPValue = (t: number, df: number) => positivePValue(2 * studentTUpperTail(Math.abs(t), df));

/** Below this a p-value is printed as a floor: digits beyond say nothing the model can back. */
export const P_VALUE_FLOOR = 1e-12;

/** A p-value for text: "p = 0.047", "p = 3.2e-5", "p < 1e-12"; never "p = 0". */
export const formatPValue = (p: number): string => {
  if (Number.isNaN(p)) throw new Error('a p-value cannot be NaN');
  if (p < P_VALUE_FLOOR) return 'p < 1e-12';
  if (p >= 0.001) return `p = ${Number(p.toPrecision(2))}`;
  return `p = ${p.toExponential(1)}`;
};

/**
 * Benjamini-Hochberg adjusted p-values (step-up, false discovery rate), in the input's order:
 * q_(i) = min over j >= i of min(1, m p_(j) / j), p_(1) <= ... <= p_(m). Rejecting q <= alpha
 * controls the expected share of false discoveries at alpha for independent or positively
 * dependent tests. Adjusted values are monotone in p and never below p.
 */
export const benjaminiHochberg = (pValues: readonly number[]): number[] => {
  const m = pValues.length;
  const byDescendingP = pValues.map((_, index) => index).sort((a, b) => pValues[b]! - pValues[a]!);
  const adjusted = new Array<number>(m);
  let running = 1;
  byDescendingP.forEach((index, position) => {
    const rank = m - position;
    running = Math.min(running, (pValues[index]! * m) / rank);
    adjusted[index] = running;
  });
  return adjusted;
};

export interface AdjustedTest<K extends string> {
  readonly key: K;
  readonly pValue: number;
  readonly adjustedPValue: number;
  readonly significant: boolean;
}

/**
 * The report's lift tests adjusted together: each keeps its own p-value and gains the BH-adjusted
 * one; `significant` means adjusted p <= alpha. `tests` is k for "significant after adjustment for k tests".
 */
export const adjustForMultipleTests = <K extends string>(
  tests: readonly { readonly key: K; readonly pValue: number }[],
  alpha = 0.05,
): { readonly tests: number; readonly results: AdjustedTest<K>[] } => {
  const adjusted = benjaminiHochberg(tests.map((t) => t.pValue));
  return {
    tests: tests.length,
    results: tests.map((t, i) => ({ key: t.key, pValue: t.pValue, adjustedPValue: adjusted[i]!, significant: adjusted[i]! <= alpha })),
  };
};

/** The flag's words: "significant after adjustment for 6 tests" (a single test needs no adjustment). */
export const renderSignificance = (significant: boolean, tests: number, locale: VerdictLocale): string => {
  if (locale === 'en') {
    if (tests === 1) return significant ? 'significant (the only test)' : 'not significant (the only test)';
    return `${significant ? 'significant' : 'not significant'} after adjustment for ${tests} tests`;
  }
  if (tests === 1) return significant ? '显著（仅此一项检验）' : '不显著（仅此一项检验）';
  return `经 ${tests} 项检验校正后${significant ? '显著' : '不显著'}`;
};
