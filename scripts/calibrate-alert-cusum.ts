/**
 * Calibrates and checks the repeated-looks alert rule of shared/verdicts/alert-detector.ts
 * (issue 12; results in docs/alerts.md). Rerun with
 *
 *   npx tsx scripts/calibrate-alert-cusum.ts [--years 4000000] [--seed 20261123]
 *
 * 1. Thresholds: for k = 0.75 and a year of 52 weekly looks at a metric exactly on target
 *    (z standard normal), the alarm happens within the year iff the year's largest CUSUM reaches h,
 *    so one seeded simulation of the largest CUSUM gives every h at once: h(m) is its 1 - 0.05 / m
 *    quantile, rounded up to 0.01. Each h is cross-checked by a numerical Markov-chain computation
 *    of the same probability (the CUSUM's density propagated on a 1,001-point Simpson grid).
 * 2. Scenarios with ratings (target >= 4.0, sd 0.9, n = 40 a week, 6 targeted metrics) run
 *    through the real targetStatus and stepAlert: false alarms at target, the late drop, the
 *    recovery, and detection delays for shortfalls of 2%, 5% and 10% of the target.
 * Takes one to two minutes on one core. Prints the table literal when it differs from the stored one.
 */
import { normalUpperTail } from '../shared/verdicts/tails';
import {
  alertParams,
  CUSUM_REFERENCE_K,
  CUSUM_THRESHOLDS,
  INITIAL_DETECTOR_STATE,
  stepAlert,
  type AlertParams,
  type DetectorState,
} from '../shared/verdicts/alert-detector';
import { targetStatus } from '../shared/verdicts/target-status';
import { ratingWeekSampler } from '../test/support/rating-weeks';
import { seededRandom } from '../test/support/seeded-random';

const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};

const YEARS = argument('years', 4_000_000);
const SEED = argument('seed', 20261123);
const LOOKS = 52;
const BUDGET = 0.05;
const MAX_METRICS = 40;
const k = CUSUM_REFERENCE_K;

// 1. Thresholds by simulation ---------------------------------------------------------------
const simulateYearMaxima = () => {
  const random = seededRandom(SEED);
  const maxima = new Float64Array(YEARS);
  for (let year = 0; year < YEARS; year += 1) {
    let s = 0;
    let max = 0;
    for (let look = 0; look < LOOKS; look += 1) {
      s += random.normal() - k;
      if (s < 0) s = 0;
      if (s > max) max = s;
    }
    maxima[year] = max;
  }
  return maxima.sort();
};

/** The smallest h on a 0.01 grid with at most alpha * YEARS simulated years reaching it. */
const thresholdFor = (sortedMaxima: Float64Array, alpha: number) => {
  const allowed = Math.floor(alpha * sortedMaxima.length);
  const highestRefused = sortedMaxima[sortedMaxima.length - allowed - 1]!;
  const h = Math.ceil(highestRefused * 100) / 100;
  return h === highestRefused ? h + 0.01 : h;
};

// Cross-check: the CUSUM as a Markov chain on [0, h) with an atom at 0 --------------------------
const normalPdf = (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
const normalCdf = (x: number) => (x < 0 ? normalUpperTail(-x) : 1 - normalUpperTail(x));

/** P(S_t >= h for some t <= looks), S_0 = 0, by propagating the atom at 0 and the density on (0, h). */
const alarmProbability = (h: number, looks: number, points = 1001) => {
  const step = h / (points - 1);
  const y = Array.from({ length: points }, (_, i) => i * step);
  const weight = y.map((_, i) => ((i === 0 || i === points - 1 ? 1 : i % 2 === 1 ? 4 : 2) * step) / 3);
  const kernel = y.map((yi) => new Float64Array(y.map((yj) => normalPdf(yi - yj + k))));
  const toZero = new Float64Array(y.map((yj) => normalCdf(k - yj)));
  let atom = 1;
  let density = new Float64Array(points);
  for (let t = 0; t < looks; t += 1) {
    const weighted = density.map((f, j) => f * weight[j]!);
    const nextAtom = atom * normalCdf(k) + weighted.reduce((s, w, j) => s + w * toZero[j]!, 0);
    const next = new Float64Array(points);
    for (let i = 0; i < points; i += 1) {
      const row = kernel[i]!;
      let sum = atom * normalPdf(y[i]! + k);
      for (let j = 0; j < points; j += 1) sum += row[j]! * weighted[j]!;
      next[i] = sum;
    }
    atom = nextAtom;
    density = next;
  }
  return 1 - atom - density.reduce((s, f, j) => s + f * weight[j]!, 0);
};

// 2. Scenarios through the real code ----------------------------------------------------------
const TARGET = { min: 4.0 };
const SD = 0.9;
const N = 40;
const MIN_SAMPLE = 10;

const makeWeek = (random: ReturnType<typeof seededRandom>, n = N, readAsZ = false) => {
  const sample = ratingWeekSampler(random, n);
  return (mu: number, state: DetectorState, period: number, params: AlertParams) => {
    const estimate = sample(mu, SD);
    const status = targetStatus(estimate, TARGET, MIN_SAMPLE);
    const label = `W${String(period).padStart(4, '0')}`;
    const df = readAsZ ? {} : { df: n - 1 };
    return stepAlert(state, { period: label, ...estimate, ...df, target: TARGET, status, provisional: false }, params);
  };
};

/** Share of years (52 looks) in which any of m metrics at exactly the target fires. */
const falseAlarmRate = (m: number, years: number, n = N, readAsZ = false) => {
  const week = makeWeek(seededRandom(SEED + 1), n, readAsZ);
  const params = alertParams(m);
  let alarmed = 0;
  for (let year = 0; year < years; year += 1) {
    let any = false;
    for (let metric = 0; metric < m && !any; metric += 1) {
      let state = INITIAL_DETECTOR_STATE;
      for (let look = 1; look <= LOOKS && !any; look += 1) {
        const step = week(TARGET.min, state, look, params);
        state = step.next;
        if (step.transition === 'firing') any = true;
      }
    }
    if (any) alarmed += 1;
  }
  return alarmed / years;
};

/**
 * Weeks from the start of a shortfall (mean `shifted`) to the first alarm, after `before` weeks
 * at mean `preceding`; Infinity when it does not fire within `horizon` weeks. Runs with a false
 * alarm before the shift are drawn again (the delay is conditional on no earlier alarm).
 */
const detectionDelays = (
  m: number,
  runs: number,
  preceding: number,
  before: number,
  shifted: number,
  horizon = 104,
) => {
  const week = makeWeek(seededRandom(SEED + 2));
  const params = alertParams(m);
  const delays: number[] = [];
  while (delays.length < runs) {
    let state = INITIAL_DETECTOR_STATE;
    let clean = true;
    for (let look = 1; look <= before && clean; look += 1) {
      const step = week(preceding, state, look, params);
      state = step.next;
      if (step.transition) clean = false;
    }
    if (!clean) continue;
    let delay = Number.POSITIVE_INFINITY;
    for (let look = 1; look <= horizon; look += 1) {
      const step = week(shifted, state, before + look, params);
      state = step.next;
      if (step.transition === 'firing') {
        delay = look;
        break;
      }
    }
    delays.push(delay);
  }
  return delays.sort((a, b) => a - b);
};

/** Weeks from a recovery to `recovered` until the alert resolves, after a drop to `dropped` fired. */
const recoveryDelays = (m: number, runs: number, dropped: number, recovered: number) => {
  const week = makeWeek(seededRandom(SEED + 3));
  const params = alertParams(m);
  const delays: number[] = [];
  while (delays.length < runs) {
    let state = INITIAL_DETECTOR_STATE;
    let look = 0;
    for (; look < 6; look += 1) state = week(4.4, state, look + 1, params).next;
    while (state.state === 'ok' && look < 60) state = week(dropped, state, ++look, params).next;
    if (state.state !== 'firing') continue;
    let delay = Number.POSITIVE_INFINITY;
    for (let after = 1; after <= 52; after += 1) {
      const step = week(recovered, state, look + after, params);
      state = step.next;
      if (step.transition === 'resolved') {
        delay = after;
        break;
      }
    }
    delays.push(delay);
  }
  return delays.sort((a, b) => a - b);
};

const share = (delays: readonly number[], within: number) => delays.filter((d) => d <= within).length / delays.length;
const median = (delays: readonly number[]) => delays[Math.floor(delays.length / 2)]!;
const percent = (x: number) => `${(100 * x).toFixed(1)}%`;

const main = () => {
  const started = Date.now();
  const yearsText = YEARS.toLocaleString('en');
  console.log(`# CUSUM calibration: k = ${k}, ${LOOKS} looks, ${yearsText} simulated years, seed ${SEED}\n`);
  const maxima = simulateYearMaxima();
  console.log('| m | h | per-metric budget 0.05/m | simulated | Markov chain |');
  console.log('| --- | --- | --- | --- | --- |');
  const table = Array.from({ length: MAX_METRICS }, (_, i) => {
    const m = i + 1;
    // Simulation noise could leave h a hair too low: raise it on the 0.01 grid until the
    // Markov-chain probability is within budget too (it has never needed to at 4,000,000 years).
    let h = thresholdFor(maxima, BUDGET / m);
    let exact = alarmProbability(h, LOOKS);
    while (exact > BUDGET / m) {
      h = Math.round(h * 100 + 1) / 100;
      exact = alarmProbability(h, LOOKS);
    }
    const simulated = maxima.filter((x) => x >= h).length / YEARS;
    const row = [m, h.toFixed(2), (BUDGET / m).toFixed(5), simulated.toFixed(5), exact.toFixed(5)];
    console.log(`| ${row.join(' | ')} |`);
    return h;
  });
  const stored = CUSUM_THRESHOLDS.length === table.length && CUSUM_THRESHOLDS.every((h, i) => h === table[i]);
  if (stored) console.log('The stored CUSUM_THRESHOLDS match.\n');
  else {
    console.log('The stored CUSUM_THRESHOLDS differ; the new literal:\n');
    for (let i = 0; i < table.length; i += 10) {
      console.log(
        `  ${table
          .slice(i, i + 10)
          .map((h) => h.toFixed(2))
          .join(', ')},`,
      );
    }
    console.log('\n(scenarios below use the stored table)\n');
    if (CUSUM_THRESHOLDS.length === 0) return;
  }

  const m = 6;
  const h = alertParams(m).h;
  console.log(`# Scenarios: ratings, target >= 4.0, sd 0.9, n = ${N} a week, m = ${m} targeted metrics (h = ${h})\n`);
  const simulatedYears = 20_000;
  const atTarget = percent(falseAlarmRate(m, simulatedYears));
  console.log(`False alarm at target, any of ${m} metrics in a year: ${atTarget} (${simulatedYears} years)`);
  console.log(`  same with one metric (m = 1): ${percent(falseAlarmRate(1, simulatedYears))}`);
  console.log(`  same at n = 10 a week (the means' minimum sample): ${percent(falseAlarmRate(m, simulatedYears, 10))}`);
  console.log(`  t statistic read as z (no df), n = 40: ${percent(falseAlarmRate(m, simulatedYears, N, true))}`);
  console.log(`  t statistic read as z (no df), n = 10: ${percent(falseAlarmRate(m, simulatedYears, 10, true))}`);
  const drop = detectionDelays(m, 10_000, 4.4, 6, 3.3);
  const [drop1, drop2] = [percent(share(drop, 1)), percent(share(drop, 2))];
  console.log(`Late drop 4.4 -> 3.3 after 6 good weeks: fires within 1 week ${drop1}, 2 weeks ${drop2}`);
  const recovery = recoveryDelays(m, 10_000, 3.3, 4.6);
  const [recovered1, recovered2] = [percent(share(recovery, 1)), percent(share(recovery, 2))];
  console.log(`Recovery to 4.6 after firing: resolves within 1 week ${recovered1}, 2 weeks ${recovered2}`);

  console.log('\n# Detection delay (weeks from the start of a shortfall to the alarm)\n');
  const within = [4, 13, 26, 52].map((w) => `within ${w}`);
  const columns = ['shortfall', 'true mean', 'se short a week', 'from', 'median', ...within];
  console.log(`| ${columns.join(' | ')} |`);
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  const se = SD / Math.sqrt(N);
  for (const fraction of [0.02, 0.05, 0.1]) {
    const mean = 4.0 * (1 - fraction);
    for (const [from, preceding, before] of [
      ['above target (4.4)', 4.4, 6],
      ['at target (26 weeks)', 4.0, 26],
    ] as const) {
      const delays = detectionDelays(m, 10_000, preceding, before, mean);
      const row = [
        `${fraction * 100}%`,
        mean.toFixed(2),
        ((4.0 * fraction) / se).toFixed(2),
        from,
        Number.isFinite(median(delays)) ? String(median(delays)) : '> 104',
        ...[4, 13, 26, 52].map((w) => percent(share(delays, w))),
      ];
      console.log(`| ${row.join(' | ')} |`);
    }
  }
  console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s)`);
};

main();
