import type { VerdictLocale } from './target-status';
import { normalUpperTail, studentTUpperTail } from './tails';

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
    // p * (m / rank) rather than p * m / rank: m / rank >= 1, so rounding never takes q below p.
    running = Math.min(running, pValues[index]! * (m / rank));
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
    results: tests.map((t, i) => ({
      key: t.key,
      pValue: t.pValue,
      adjustedPValue: adjusted[i]!,
      significant: adjusted[i]! <= alpha,
    })),
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
