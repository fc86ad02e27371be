import type { DayValue, ImpactInput } from '../../../shared/impact/types';
import { mulberry32 } from '../../support/seeded-random';

/**
 * Simulated partner series with a known effect, for the impact tests and scripts/impact-simulation.ts.
 * Written apart from the code under test: the data come from the generative model below (trend,
 * weekly pattern, market swings shared with a control, AR(1) noise), not from the estimator.
 */

/** Uniforms in [0, 1) from mulberry32: the same seed gives the same stream. */
export const seededRandom = (seed: number): (() => number) => {
  const bits = mulberry32(seed);
  return () => bits() / 4_294_967_296;
};

/** Standard normal draws (Box-Muller). */
export const normalSampler = (random: () => number) => () => {
  const u = 1 - random(); // (0, 1], so log(u) is finite
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
};

export interface Scenario {
  /** Days of history before start. */
  preDays: number;
  /** Days from start to asOf. */
  postDays: number;
  /** Mean outcome per day at the start of the history. */
  level: number;
  trendPerDay: number;
  /** Added to the outcome by weekday, Monday first. */
  weekly: readonly number[];
  /** Lag-1 autocorrelation and innovation sd of the outcome's own noise. */
  phi: number;
  innovationSd: number;
  /** Effect per day after start, as a share of `level` (0.1 = 10%). */
  effectShare: number;
  /** Add a control that shares the outcome's trend and market swings. */
  withControl: boolean;
  /** Market swings: AR(1) with this autocorrelation and innovation sd, in the control's units. */
  marketPhi: number;
  marketSd: number;
  /** The outcome moves by this much per unit of the control. */
  controlWeight: number;
  /** Share of days missing from the outcome (random gaps). */
  missingShare: number;
  /** First day of the history. */
  firstDay: string;
}

export const DEFAULT_SCENARIO: Scenario = {
  preDays: 16 * 7,
  postDays: 6 * 7,
  level: 100,
  trendPerDay: 0.1,
  weekly: [8, 5, 2, 0, -3, -6, -6],
  phi: 0.5,
  innovationSd: 8,
  effectShare: 0.1,
  withControl: true,
  marketPhi: 0.8,
  marketSd: 6,
  controlWeight: 0.5,
  missingShare: 0,
  firstDay: '2026-01-05',
};

export interface SimulatedImpact {
  input: ImpactInput;
  /** The true cumulative effect: effect per day times the post days that have outcome data. */
  trueEffect: number;
}

const addDays = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

export const simulateImpact = (scenario: Scenario, seed: number): SimulatedImpact => {
  const random = seededRandom(seed);
  const normal = normalSampler(random);
  const total = scenario.preDays + scenario.postDays;
  const firstWeekday = (new Date(`${scenario.firstDay}T00:00:00Z`).getUTCDay() + 6) % 7;
  const stationary = (phi: number, sd: number) => (sd / Math.sqrt(1 - phi * phi)) * normal();
  let noise = stationary(scenario.phi, scenario.innovationSd);
  let market = stationary(scenario.marketPhi, scenario.marketSd);
  const outcome: DayValue[] = [];
  const control: DayValue[] = [];
  const effectPerDay = scenario.effectShare * scenario.level;
  let trueEffect = 0;
  for (let i = 0; i < total; i++) {
    if (i > 0) {
      noise = scenario.phi * noise + scenario.innovationSd * normal();
      market = scenario.marketPhi * market + scenario.marketSd * normal();
    }
    const day = addDays(scenario.firstDay, i);
    const weekdayEffect = scenario.weekly[(firstWeekday + i) % 7]!;
    // The control: its own level, the shared trend, a weekly pattern of its own and the market swings.
    const controlValue = 300 + 2 * scenario.trendPerDay * i + (i % 7 === 3 ? 10 : 0) + market;
    const marketPart = scenario.withControl ? scenario.controlWeight * (controlValue - 300) : 0;
    const isPost = i >= scenario.preDays;
    const value =
      scenario.level +
      (scenario.withControl ? 0 : scenario.trendPerDay * i) +
      weekdayEffect +
      marketPart +
      noise +
      (isPost ? effectPerDay : 0);
    control.push({ day, value: controlValue });
    if (random() < scenario.missingShare) continue;
    outcome.push({ day, value });
    if (isPost) trueEffect += effectPerDay;
  }
  const start = addDays(scenario.firstDay, scenario.preDays);
  const asOf = addDays(scenario.firstDay, total - 1);
  return {
    input: {
      outcome,
      controls: scenario.withControl ? [control] : [],
      start,
      asOf,
      period: { startDay: addDays(asOf, -6), endDay: asOf },
    },
    trueEffect,
  };
};

export interface SimulationSummary {
  runs: number;
  /** Share of runs whose cumulative 95% interval contains the true effect. */
  coverage: number;
  /** Share of runs whose cumulative interval excludes 0. */
  detection: number;
  /** Share of runs by status. */
  statuses: Record<string, number>;
  /** Mean interval width over the true effect per day times the post days (how many "effects" wide). */
  meanWidth: number;
  milliseconds: number;
}

/** Runs the estimator on `runs` simulated data sets (seeds firstSeed, firstSeed + 1, ...). */
export const runSimulations = (
  scenario: Scenario,
  runs: number,
  firstSeed: number,
  estimate: (input: ImpactInput) => { status: string; cumulative: { ci: [number, number] } | null },
): SimulationSummary => {
  const started = performance.now();
  let covered = 0;
  let detected = 0;
  let width = 0;
  const statuses: Record<string, number> = {};
  for (let i = 0; i < runs; i++) {
    const { input, trueEffect } = simulateImpact(scenario, firstSeed + i);
    const result = estimate(input);
    statuses[result.status] = (statuses[result.status] ?? 0) + 1 / runs;
    const ci = result.cumulative?.ci;
    if (ci === undefined) continue;
    if (ci[0] <= trueEffect && trueEffect <= ci[1]) covered++;
    if (ci[0] > 0 || ci[1] < 0) detected++;
    width += (ci[1] - ci[0]) / (0.1 * scenario.level * scenario.postDays);
  }
  return {
    runs,
    coverage: covered / runs,
    detection: detected / runs,
    statuses,
    meanWidth: width / runs,
    milliseconds: performance.now() - started,
  };
};
