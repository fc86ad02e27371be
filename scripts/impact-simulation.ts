/**
 * Reruns the impact simulations of docs/impact.md on more data sets than the tests and prints the
 * figures as Markdown tables:
 *
 *   npx tsx scripts/impact-simulation.ts [--runs 2000]
 *
 * `--runs` sets the runs of the main table; the grid and the placebo tables use a fifth of it (at
 * least 100). Seeded: the same runs give the same figures. About 5 minutes at the default on one core.
 */
import { estimateImpact, placeboRateTooHigh } from '../shared/impact/estimate-impact';
import type { ImpactInput } from '../shared/impact/types';
import {
  DEFAULT_SCENARIO,
  runSimulations,
  simulateImpact,
  type Scenario,
  type SimulationSummary,
} from '../test/shared/impact/simulated-series';

const runsArgument = process.argv.indexOf('--runs');
const RUNS = runsArgument >= 0 ? Number(process.argv[runsArgument + 1]) : 2000;
const SMALL_RUNS = Math.max(100, Math.round(RUNS / 5));
const BASE: Scenario = { ...DEFAULT_SCENARIO, innovationSd: 5 };
const estimate = (input: ImpactInput) => estimateImpact(input, { placebo: false, daily: false });
const pct = (share: number) => `${(share * 100).toFixed(1)}%`;

const row = (cells: (string | number)[]) => console.log(`| ${cells.join(' | ')} |`);
const header = (cells: string[]) => {
  row(cells);
  row(cells.map(() => '---'));
};

console.log(`## Coverage, detection and false claims (${RUNS} runs each, placebo off)\n`);
header([
  'scenario',
  'coverage (10% effect)',
  'detected (10% effect)',
  'coverage (no effect)',
  'claimed (no effect)',
  'ms/run',
]);
const main: [string, Scenario][] = [
  ['control, 16 w before, 6 w after', BASE],
  ['no control', { ...BASE, withControl: false }],
  ['control, 10% of days missing', { ...BASE, missingShare: 0.1 }],
  ['control, phi = 0.8', { ...BASE, phi: 0.8 }],
  ['control, phi = 0 (white noise)', { ...BASE, phi: 0 }],
];
for (const [name, scenario] of main) {
  const effect: SimulationSummary = runSimulations({ ...scenario, effectShare: 0.1 }, RUNS, 1, estimate);
  const none = runSimulations({ ...scenario, effectShare: 0 }, RUNS, 1_000_001, estimate);
  const ms = (effect.milliseconds + none.milliseconds) / (2 * RUNS);
  row([name, pct(effect.coverage), pct(effect.detection), pct(none.coverage), pct(none.detection), ms.toFixed(1)]);
}

console.log(`\n## Detection of a 10% effect by history and post-period length (${SMALL_RUNS} runs each)\n`);
console.log('Cells: detected / coverage / interval width in units of the true total effect.\n');
const postWeeks = [4, 6, 8];
header(['history before start', ...postWeeks.map((w) => `${w} weeks after`)]);
for (const preWeeks of [8, 12, 16, 26, 52]) {
  const cells = postWeeks.map((post) => {
    const s = runSimulations({ ...BASE, preDays: preWeeks * 7, postDays: post * 7 }, SMALL_RUNS, 2_000_001, estimate);
    return `${pct(s.detection)} / ${pct(s.coverage)} / ${s.meanWidth.toFixed(2)}`;
  });
  row([`${preWeeks} weeks`, ...cells]);
}

console.log(`\n## Detection by noise level (control, 6 w after; ${SMALL_RUNS} runs each)\n`);
header([
  'daily noise sd / level',
  'detected 10% (16 w before)',
  'detected 20% (16 w)',
  'coverage (16 w)',
  'detected 10% (52 w before)',
]);
for (const [index, innovationSd] of [3, 5, 8, 12].entries()) {
  const seed = 3_000_001 + 100_000 * index;
  const ten = runSimulations({ ...BASE, innovationSd }, SMALL_RUNS, seed, estimate);
  const twenty = runSimulations({ ...BASE, innovationSd, effectShare: 0.2 }, SMALL_RUNS, seed, estimate);
  const year = runSimulations({ ...BASE, innovationSd, preDays: 364 }, SMALL_RUNS, seed, estimate);
  const sd = innovationSd / Math.sqrt(1 - BASE.phi ** 2) / BASE.level;
  row([pct(sd), pct(ten.detection), pct(twenty.detection), pct(ten.coverage), pct(year.detection)]);
}

console.log(`\n## Placebo check (no effect, 6 w after; ${SMALL_RUNS} runs each)\n`);
console.log('unreliable = marked unreliable by the placebo rule (default: binomial; strict: observed rate > 10%).\n');
header([
  'model',
  'history',
  'coverage',
  'checks/run',
  'per-check false positives',
  'unreliable (default)',
  'unreliable (strict)',
]);
type Distortion = (value: number, index: number, total: number) => number;
const distortions: [string, Distortion][] = [
  ['sound', (v) => v],
  ['curved trend', (v, i, n) => v + 160 * (i / n - 0.5) ** 2],
  ['level jump +12 at 60% of the history', (v, i, n) => v + (i > 0.6 * (n - 42) ? 12 : 0)],
];
for (const [name, distort] of distortions) {
  for (const preWeeks of [16, 26, 52]) {
    let checks = 0;
    let detections = 0;
    let covered = 0;
    let flagged = 0;
    let strictFlagged = 0;
    for (let seed = 4_000_001; seed < 4_000_001 + SMALL_RUNS; seed++) {
      const { input, trueEffect } = simulateImpact({ ...BASE, preDays: preWeeks * 7, effectShare: 0 }, seed);
      const n = input.outcome.length;
      const outcome = input.outcome.map((d, i) => ({ day: d.day, value: distort(d.value, i, n) }));
      const result = estimateImpact({ ...input, outcome }, { daily: false });
      const [low, high] = result.cumulative!.ci;
      if (low <= trueEffect && trueEffect <= high) covered++;
      checks += result.placebo.checks;
      detections += result.placebo.detections;
      if (placeboRateTooHigh(result.placebo.detections, result.placebo.checks)) flagged++;
      if (placeboRateTooHigh(result.placebo.detections, result.placebo.checks, true)) strictFlagged++;
    }
    const perRun = (checks / SMALL_RUNS).toFixed(0);
    const rates = [detections / checks, flagged / SMALL_RUNS, strictFlagged / SMALL_RUNS].map(pct);
    row([name, `${preWeeks} weeks`, pct(covered / SMALL_RUNS), perRun, ...rates]);
  }
}

console.log(`\n## Run time (one estimate with placebo and daily band, control)\n`);
header(['history before start', 'since start', 'ms']);
for (const [preWeeks, postWeeks] of [
  [16, 6],
  [52, 6],
  [104, 6],
  [52, 52],
]) {
  const { input } = simulateImpact({ ...BASE, preDays: preWeeks! * 7, postDays: postWeeks! * 7 }, 5_000_001);
  const started = performance.now();
  estimateImpact(input);
  row([`${preWeeks} weeks`, `${postWeeks} weeks`, (performance.now() - started).toFixed(0)]);
}
