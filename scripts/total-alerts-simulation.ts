/**
 * How the alert rule of shared/verdicts/alert-detector.ts behaves on targets of totals (counts and
 * sums), whose periods have no interval: a measurement, not a fix (docs/alerts.md, "Targets on
 * counts and sums"). Rerun with
 *
 *   npx tsx scripts/total-alerts-simulation.ts [--years 1000] [--seed 5]
 *
 * Every metric is exactly at its weekly target (the mean of 7 days), 6 targeted metrics, 52 weekly
 * looks a year; the figure is the share of years with any false alarm (the rule's budget: 5%).
 * Daily totals: Gamma(4) money (cv 50%), Poisson counts (mean 20), overdispersed counts (Poisson
 * with a Gamma(2) mean of 20: variance 11x the mean), and normal days for reference. Standard errors compared:
 * - `poisson`: sqrt(count), what the rule used for counts before December 2026 (sums had none);
 * - `poisson at target`: sqrt(target), Poisson's standard error where the target holds (a score test);
 * - `own week`: days as the unit, sqrt(7) x the week's daily sd, Student t with 6 df;
 * - `pooled`: days as the unit, the daily variance pooled over the earlier weeks (the week's own
 *   on the first), t with the pooled df;
 * - `crosslift`: the rule itself (`totalSpread` of shared/alerts/evaluate.ts): pooled for a `min`
 *   target, the week's own for a `max` target, never below Poisson's for a count.
 * Takes about a minute on one core.
 */
import { totalSpread } from '../shared/alerts/evaluate';
import { alertParams, INITIAL_DETECTOR_STATE, stepAlert, type DetectorState } from '../shared/verdicts/alert-detector';
import { targetStatus, type TargetSpec } from '../shared/verdicts/target-status';
import { seededRandom } from '../test/support/seeded-random';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const YEARS = option('--years', 1_000);
const random = seededRandom(option('--seed', 5));
const params = alertParams(6);

type Method = 'poisson' | 'poisson at target' | 'own week' | 'pooled' | 'crosslift';

/** One metric's days, its weekly target at their mean, and the standard error compared. */
interface Scenario {
  readonly day: () => number;
  readonly weekly: number;
  readonly direction: 'min' | 'max';
  readonly method: Method;
  readonly kind: 'count' | 'sum';
}

/** Whether one metric false-alarms within a year of weekly looks. */
const alarms = ({ day, weekly, direction, method, kind }: Scenario): boolean => {
  const target: TargetSpec = direction === 'min' ? { min: weekly } : { max: weekly };
  let state: DetectorState = INITIAL_DETECTOR_STATE;
  let pooledSquares = 0;
  let pooledDf = 0;
  for (let week = 1; week <= 52; week += 1) {
    const days = Array.from({ length: 7 }, day);
    const total = days.reduce((a, b) => a + b, 0);
    const squares = days.reduce((a, x) => a + (x - total / 7) ** 2, 0);
    const spread =
      method === 'poisson'
        ? { se: Math.sqrt(Math.max(1, total)) }
        : method === 'poisson at target'
          ? { se: Math.sqrt(Math.max(1, weekly)) }
          : method === 'crosslift'
            ? totalSpread(
                { value: total, n: 7, target, daySpread: { days: 7, variance: squares / 6 } },
                kind,
                pooledDf > 0 ? { squares: pooledSquares, df: pooledDf } : undefined,
              )
            : method === 'own week' || pooledDf === 0
              ? { se: Math.sqrt((7 * squares) / 6), df: 6 }
              : { se: Math.sqrt((7 * pooledSquares) / pooledDf), df: pooledDf };
    pooledSquares += squares;
    pooledDf += 6;
    const step = stepAlert(
      state,
      {
        period: `W${String(week).padStart(2, '0')}`,
        value: total,
        ...(spread ?? {}),
        target,
        status: targetStatus({ value: total, n: 7 }, target, 1),
        provisional: false,
      },
      params,
    );
    if (step.transition === 'firing') return true;
    state = step.next;
  }
  return false;
};

const yearsWithAlarm = (scenario: Scenario) => {
  let count = 0;
  for (let year = 0; year < YEARS; year += 1) {
    let any = false;
    for (let metric = 0; metric < 6; metric += 1) if (alarms(scenario)) any = true;
    if (any) count += 1;
  }
  return `${((100 * count) / YEARS).toFixed(1)}%`;
};

const SHAPES = {
  'money, Gamma(4) days': { day: () => 250 * random.gamma(4), weekly: 7_000 },
  'counts, Poisson days': { day: () => random.poisson(20), weekly: 140 },
  'counts, overdispersed': { day: () => random.poisson(10 * random.gamma(2)), weekly: 140 },
  'normal days (reference)': { day: () => 1_000 + 500 * random.normal(), weekly: 7_000 },
};

const METHODS = ['poisson', 'poisson at target', 'own week', 'pooled', 'crosslift'] as const;
console.log(`| daily totals | target | ${METHODS.join(' | ')} |`);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const [name, shape] of Object.entries(SHAPES)) {
  for (const direction of ['min', 'max'] as const) {
    const cells = METHODS.map((m) =>
      m.startsWith('poisson') && !name.startsWith('counts')
        ? '-'
        : yearsWithAlarm({ ...shape, direction, method: m, kind: name.startsWith('counts') ? 'count' : 'sum' }),
    );
    console.log(`| ${name} | ${direction} | ${cells.join(' | ')} |`);
  }
}
