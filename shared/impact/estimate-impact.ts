import {
  fitAr1Regression,
  fittedRegressionValue,
  posteriorMeanPhi,
  predictSum,
  type Ar1Observation,
  type Ar1Posterior,
  type FutureDay,
} from './ar1-regression';
import { dayNumber, dayString, weekday } from './days';
import { mixtureCdf, mixtureInterval, mixtureMean, mixtureUpperTail } from './distributions';
import type {
  CumulativeImpact,
  DayValue,
  ImpactDay,
  ImpactInput,
  ImpactOptions,
  ImpactReasonCode,
  ImpactResult,
  ImpactSums,
} from './types';

/** Fewer pre-period days with data than this (8 weeks) give `insufficient_data`. */
export const MIN_PREPERIOD_DAYS = 56;
/** Fitted days needed per estimated parameter (coefficients plus the autocorrelation). */
export const DAYS_PER_PARAMETER = 3;
/** A pre-period fit with a (weighted) MAPE above this is `unreliable`. */
export const MAX_FIT_MAPE = 0.2;
/** A placebo false-positive rate above this is `unreliable` (see placeboRateTooHigh). */
export const MAX_PLACEBO_RATE = 0.1;
/** How often a placebo of a sound model detects an effect by chance: 1 - the intervals' 95%. */
export const PLACEBO_CHANCE_RATE = 0.05;
/** Significance of the one-sided binomial test that tells an excess of placebo detections from chance. */
export const PLACEBO_TEST_LEVEL = 0.05;
/** Placebo start dates are this many days apart... */
export const PLACEBO_STEP_DAYS = 7;
/** ...and their fake post-periods last min(days since start, this). */
export const MAX_PLACEBO_POST_DAYS = 28;
export const DEFAULT_MAX_PLACEBO_CHECKS = 20;
const COVERAGE = 0.95;

/** A series as day number -> value, only up to asOf. */
type DayMap = ReadonlyMap<number, number>;

interface PreparedSeries {
  outcome: DayMap;
  controls: readonly DayMap[];
}

/** Day numbers of one analysis: fit on [fitFrom, fitTo], effect on [start, asOf]. */
interface AnalysisWindow {
  fitFrom: number;
  fitTo: number;
  start: number;
  asOf: number;
  periodFrom: number;
  periodTo: number;
}

const toDayMap = (series: readonly DayValue[], label: string, asOf: number): Map<number, number> => {
  const map = new Map<number, number>();
  for (const { day, value } of series) {
    const n = dayNumber(day);
    if (!Number.isFinite(value)) throw new RangeError(`${label} has a value that is not a finite number on ${day}`);
    if (map.has(n)) throw new RangeError(`${label} has more than one value for ${day}`);
    if (n <= asOf) map.set(n, value);
  }
  return map;
};

/**
 * Estimates the cooperation's incremental effect on the outcome: actual minus the counterfactual
 * predicted from the pre-period (trend, weekday pattern, controls, AR(1) residuals), with 95%
 * intervals, a placebo check and a status. Pure: the same inputs always give the same result.
 * Throws RangeError on malformed input (bad days, duplicate days, a pre-period not before start).
 */
export const estimateImpact = (input: ImpactInput, options: ImpactOptions = {}): ImpactResult => {
  const start = dayNumber(input.start);
  const asOf = dayNumber(input.asOf);
  const periodFrom = dayNumber(input.period.startDay);
  const periodTo = dayNumber(input.period.endDay);
  if (periodTo < periodFrom) throw new RangeError('the period ends before it starts');
  const controls = (input.controls ?? []).map((c, i) => toDayMap(c, `control #${i + 1}`, asOf));
  const outcome = toDayMap(input.outcome, 'the outcome', asOf);
  const fitTo = input.preperiod?.to === undefined ? start - 1 : dayNumber(input.preperiod.to);
  if (fitTo >= start) throw new RangeError('the pre-period must end before the cooperation starts');
  let firstOutcomeDay = fitTo;
  for (const day of outcome.keys()) firstOutcomeDay = Math.min(firstOutcomeDay, day);
  const fitFrom = input.preperiod?.from === undefined ? firstOutcomeDay : dayNumber(input.preperiod.from);
  if (fitFrom > fitTo) throw new RangeError('the pre-period starts after it ends');
  return analyse({ outcome, controls }, { fitFrom, fitTo, start, asOf, periodFrom, periodTo }, options);
};

/** The regressors of a day: intercept, trend, weekday dummies, standardised controls. */
interface Design {
  parameters: number;
  /** undefined when a control is missing that day or its weekday was never seen in the fit. */
  row(day: number): number[] | undefined;
  describeColumn(column: number): string;
}

const hasAllControls = (series: PreparedSeries, day: number) => series.controls.every((c) => c.has(day));

const buildDesign = (
  series: PreparedSeries,
  fitDays: readonly number[],
  window: AnalysisWindow,
): Design | { constantControl: number } => {
  // Only weekdays seen in the fit get a coefficient (a series without weekend rows has no weekend).
  const weekdays = [...new Set(fitDays.map(weekday))].sort((a, b) => a - b);
  const dummyIndex = new Map(weekdays.slice(1).map((w, i) => [w, i]));
  // Standardised controls and a trend in [0, 1] keep the columns on one scale (better conditioning).
  const scales: { mean: number; sd: number }[] = [];
  for (let i = 0; i < series.controls.length; i++) {
    const values = fitDays.map((d) => series.controls[i]!.get(d)!);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
    if (!(sd > 1e-12 * Math.max(1, Math.abs(mean)))) return { constantControl: i };
    scales.push({ mean, sd });
  }
  const trendSpan = Math.max(1, window.fitTo - window.fitFrom);
  const parameters = 2 + dummyIndex.size + series.controls.length;
  return {
    parameters,
    row(day) {
      const w = weekday(day);
      if (w !== weekdays[0] && !dummyIndex.has(w)) return undefined;
      if (!hasAllControls(series, day)) return undefined;
      const row = new Array<number>(parameters).fill(0);
      row[0] = 1;
      row[1] = (day - window.fitFrom) / trendSpan;
      const dummy = dummyIndex.get(w);
      if (dummy !== undefined) row[2 + dummy] = 1;
      series.controls.forEach((control, i) => {
        row[2 + dummyIndex.size + i] = (control.get(day)! - scales[i]!.mean) / scales[i]!.sd;
      });
      return row;
    },
    describeColumn(column) {
      if (column < 2 + dummyIndex.size) return 'the trend and weekday columns are collinear in the pre-period';
      const control = column - 2 - dummyIndex.size + 1;
      return `control #${control} is a linear combination of the trend, the weekdays and the other controls`;
    },
  };
};

const insufficient = (
  reasonCode: ImpactReasonCode,
  reason: string,
  series: PreparedSeries,
  preperiodDays: number,
  window: AnalysisWindow,
): ImpactResult => ({
  status: 'insufficient_data',
  reasonCode,
  reason,
  withControls: series.controls.length > 0,
  period: null,
  cumulative: null,
  fit: {
    preperiodDays,
    from: dayString(window.fitFrom),
    to: dayString(window.fitTo),
    mape: null,
    autocorrelation: null,
  },
  placebo: { checks: 0, detections: 0, falsePositiveRate: null },
  daily: [],
});

const fitDaysOf = (series: PreparedSeries, from: number, to: number): number[] => {
  const days: number[] = [];
  for (let d = from; d <= to; d++) if (series.outcome.has(d) && hasAllControls(series, d)) days.push(d);
  return days;
};

const formatPercent = (share: number) => `${(share * 100).toFixed(1)}%`;

/** P(X >= x) for X ~ Binomial(n, p), summed directly (n is at most a few dozen). */
export const binomialUpperTail = (x: number, n: number, p: number): number => {
  let tail = 0;
  let logChoose = 0; // log C(n, i), built up as i grows
  for (let i = 0; i <= n; i++) {
    if (i > 0) logChoose += Math.log((n - i + 1) / i);
    if (i >= x) tail += Math.exp(logChoose + i * Math.log(p) + (n - i) * Math.log1p(-p));
  }
  return Math.min(1, tail);
};

/**
 * Whether the placebo checks make the estimate unreliable: their false-positive rate is above 10%
 * AND beyond chance. A sound model's placebo detects an effect 5% of the time by chance, and a
 * handful of overlapping checks makes the observed rate noisy: with 5 checks one chance detection
 * is already 20%, and the simulations (docs/impact.md) find 8-22% of sound estimates above 10% by
 * chance alone. So the detections must also be unlikely for a sound model (one-sided binomial
 * test, p < 0.05, against the 5% chance rate): 2 of 5, 3 of 10 to 15, 4 of 20. `strict` drops
 * that second condition.
 */
export const placeboRateTooHigh = (detections: number, checks: number, strict = false): boolean => {
  if (checks === 0 || detections / checks <= MAX_PLACEBO_RATE) return false;
  return strict || binomialUpperTail(detections, checks, PLACEBO_CHANCE_RATE) < PLACEBO_TEST_LEVEL;
};

const analyse = (series: PreparedSeries, window: AnalysisWindow, options: ImpactOptions): ImpactResult => {
  const withControls = series.controls.length > 0;
  const fitDays = fitDaysOf(series, window.fitFrom, window.fitTo);
  const n = fitDays.length;
  const fail = (code: ImpactReasonCode, reason: string) => insufficient(code, reason, series, n, window);

  if (window.asOf < window.start) {
    return fail('not_started', `the cooperation starts on ${dayString(window.start)}, after the last day with data`);
  }
  if (n < MIN_PREPERIOD_DAYS) {
    const what = withControls ? 'days with the outcome and every control' : 'days with data';
    const needed = `at least ${MIN_PREPERIOD_DAYS} (8 weeks) are needed`;
    return fail('short_preperiod', `the pre-period has ${n} ${what}; ${needed}`);
  }
  const design = buildDesign(series, fitDays, window);
  if ('constantControl' in design) {
    return fail('constant_control', `control #${design.constantControl + 1} does not vary in the pre-period`);
  }
  const needed = DAYS_PER_PARAMETER * (design.parameters + 1);
  if (n < needed) {
    return fail(
      'too_many_parameters',
      `the pre-period's ${n} days with data are too few for ${design.parameters + 1} parameters ` +
        `(trend, weekdays, ${series.controls.length} controls, autocorrelation); at least ${needed} are needed`,
    );
  }

  const observations: Ar1Observation[] = fitDays.map((day) => ({
    day,
    y: series.outcome.get(day)!,
    x: design.row(day)!,
  }));
  const fit = fitAr1Regression(observations);
  if (!fit.ok) {
    return fit.problem === 'exact_fit'
      ? fail('exact_fit', 'the pre-period is fitted exactly (a constant or deterministic series): no noise to judge by')
      : fail('collinear_design', design.describeColumn(fit.column));
  }
  const posterior = fit.posterior;

  // Days since start with the outcome and a counterfactual; only they enter the sums.
  const postDays: (FutureDay & { actual: number })[] = [];
  for (let day = window.start; day <= window.asOf; day++) {
    const actual = series.outcome.get(day);
    const x = design.row(day);
    if (actual !== undefined && x !== undefined) postDays.push({ day, x, actual });
  }
  if (postDays.length === 0) {
    const what = withControls ? 'the outcome and every control' : 'the outcome';
    return fail('no_data_since_start', `no day since ${dayString(window.start)} has ${what}`);
  }

  const cumulativeSums = sumImpact(posterior, postDays, window.start, window.asOf);
  const counterfactual = cumulativeSums.sums.counterfactual;
  const cumulative: CumulativeImpact = {
    ...cumulativeSums.sums,
    since: dayString(window.start),
    relativeEffect: counterfactual > 0 ? cumulativeSums.sums.effect / counterfactual : null,
    pValue: cumulativeSums.pValue,
  };
  const periodFrom = Math.max(window.periodFrom, window.start);
  const periodTo = Math.min(window.periodTo, window.asOf);
  const periodDays = postDays.filter((d) => d.day >= periodFrom && d.day <= periodTo);
  const period = periodDays.length > 0 ? sumImpact(posterior, periodDays, periodFrom, periodTo).sums : null;

  let absoluteError = 0;
  let absoluteActual = 0;
  for (const o of observations) {
    absoluteError += Math.abs(o.y - fittedRegressionValue(posterior, o.x));
    absoluteActual += Math.abs(o.y);
  }
  const mape = absoluteActual > 0 ? absoluteError / absoluteActual : null;

  const placebo =
    options.placebo === false
      ? { checks: 0, detections: 0, falsePositiveRate: null }
      : placeboCheck(series, window, options);

  const problems: { code: ImpactReasonCode; text: string }[] = [];
  if (mape !== null && mape > MAX_FIT_MAPE) {
    const text = `the pre-period fit is poor (MAPE ${formatPercent(mape)} > ${formatPercent(MAX_FIT_MAPE)})`;
    problems.push({ code: 'poor_fit', text });
  }
  if (placeboRateTooHigh(placebo.detections, placebo.checks, options.strictPlacebo)) {
    problems.push({
      code: 'placebo_false_positives',
      text:
        `${placebo.detections} of ${placebo.checks} placebo start dates in the pre-period show an effect ` +
        `(a false-positive rate above ${formatPercent(MAX_PLACEBO_RATE)})`,
    });
  }
  const excludesZero = cumulative.ci[0] > 0 || cumulative.ci[1] < 0;
  const base = {
    withControls,
    period,
    cumulative,
    fit: {
      preperiodDays: n,
      from: dayString(window.fitFrom),
      to: dayString(window.fitTo),
      mape,
      autocorrelation: posteriorMeanPhi(posterior),
    },
    placebo,
    daily: options.daily === false ? [] : dailyBand(series, design, posterior, window),
  };
  if (problems.length > 0) {
    const reason = problems.map((p) => p.text).join('; ');
    return { status: 'unreliable', reasonCode: problems[0]!.code, reason, ...base };
  }
  return { status: excludesZero ? 'effect' : 'no_detectable_effect', ...base };
};

const sumImpact = (
  posterior: Ar1Posterior,
  days: readonly (FutureDay & { actual: number })[],
  from: number,
  to: number,
): { sums: ImpactSums; pValue: number } => {
  const prediction = predictSum(posterior, days);
  const actual = days.reduce((s, d) => s + d.actual, 0);
  const counterfactual = mixtureMean(prediction);
  const [low, high] = mixtureInterval(prediction, COVERAGE);
  // effect = actual - counterfactual sum, so the effect's lower bound comes from the sum's upper one.
  const tail = Math.min(mixtureCdf(prediction, actual), mixtureUpperTail(prediction, actual));
  return {
    sums: {
      from: dayString(from),
      to: dayString(to),
      days: days.length,
      actual,
      counterfactual,
      effect: actual - counterfactual,
      ci: [actual - high, actual - low],
    },
    pValue: Math.min(1, 2 * tail),
  };
};

const dailyBand = (
  series: PreparedSeries,
  design: Design,
  posterior: Ar1Posterior,
  window: AnalysisWindow,
): ImpactDay[] => {
  const days: ImpactDay[] = [];
  for (let day = window.start; day <= window.asOf; day++) {
    const actual = series.outcome.get(day) ?? null;
    const x = design.row(day);
    if (x === undefined) {
      days.push({ day: dayString(day), actual, counterfactual: null, low: null, high: null });
      continue;
    }
    const prediction = predictSum(posterior, [{ day, x }]);
    const [low, high] = mixtureInterval(prediction, COVERAGE);
    days.push({ day: dayString(day), actual, counterfactual: mixtureMean(prediction), low, high });
  }
  return days;
};

/**
 * The method rerun with fake start dates inside the pre-period, where the cooperation had no effect:
 * the latest fake post-period ends on the pre-period's last day, earlier ones every 7 days before,
 * as long as 8 weeks of data stay to fit on. Each is as long as the real post-period, at most 28 days.
 * A check "detects" when its cumulative 95% interval excludes 0; a sound model does so ~5% of the time.
 */
const placeboCheck = (
  series: PreparedSeries,
  window: AnalysisWindow,
  options: ImpactOptions,
): ImpactResult['placebo'] => {
  const postLength = Math.min(window.asOf - window.start + 1, MAX_PLACEBO_POST_DAYS);
  const maxChecks = options.maxPlaceboChecks ?? DEFAULT_MAX_PLACEBO_CHECKS;
  let checks = 0;
  let detections = 0;
  for (let j = 0; checks < maxChecks; j++) {
    const fakeStart = window.fitTo - postLength + 1 - PLACEBO_STEP_DAYS * j;
    if (fitDaysOf(series, window.fitFrom, fakeStart - 1).length < MIN_PREPERIOD_DAYS) break;
    const fakeEnd = fakeStart + postLength - 1;
    const fake = { fitFrom: window.fitFrom, fitTo: fakeStart - 1, start: fakeStart, asOf: fakeEnd };
    const fakeWindow = { ...fake, periodFrom: fakeStart, periodTo: fakeEnd };
    const result = analyse(series, fakeWindow, { placebo: false, daily: false });
    // A fake window the method cannot estimate (no data in it, a control constant there) is no check.
    const ci = result.cumulative?.ci;
    if (ci === undefined) continue;
    checks++;
    if (ci[0] > 0 || ci[1] < 0) detections++;
  }
  return { checks, detections, falsePositiveRate: checks > 0 ? detections / checks : null };
};
