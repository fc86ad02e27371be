/**
 * Coverage of nominal-95% intervals for a click-through rate on simulated overdispersed campaign
 * days (issue 12), to show where the day-unit interval of shared/verdicts/clustered.ts holds and
 * where it does not. Rerun with
 *
 *   npx tsx scripts/day-unit-coverage.ts [--weeks 20000] [--seed 20261123]
 *
 * Each simulated period has k days; a day's CTR is Beta with mean 2% and the given concentration
 * (smaller: more day-to-day variation), impressions are 20,000 x lognormal(sd) a day and clicks
 * binomial. Compared: the day-unit delta-method interval (clusteredRate, the same delta method as
 * ad_roas), the same with leverage-corrected residuals e_i / (1 - w_i), w_i = x_i / sum(x) (close
 * to the jackknife; a candidate when daily volumes vary a lot), and Wilson with impressions as units.
 */
import jStat from 'jstat';
import { wilsonInterval } from '../shared/report/stats';
import { clusteredRate, type DaySums } from '../shared/verdicts/clustered';
import { seededRandom } from '../test/support/seeded-random';

const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};

const WEEKS = argument('weeks', 20_000);
const SEED = argument('seed', 20261123);
const CTR = 0.02;

/** Half-width of the leverage-corrected delta interval (HC3-type residuals, t with k - 1 df). */
const leverageCorrectedHalfWidth = (days: readonly DaySums[]) => {
  const k = days.length;
  const sx = days.reduce((s, d) => s + d.x, 0);
  const r = days.reduce((s, d) => s + d.y, 0) / sx;
  const variance = days.reduce((s, d) => s + ((d.y - r * d.x) / (1 - d.x / sx)) ** 2, 0) / (sx * sx);
  return jStat.studentt.inv(0.975, k - 1) * Math.sqrt(variance);
};

const scenario = (days: number, concentration: number, impressionsSd: number) => {
  const random = seededRandom(SEED);
  let delta = 0;
  let corrected = 0;
  let wilson = 0;
  let dispersion = 0;
  for (let week = 0; week < WEEKS; week += 1) {
    const sums: DaySums[] = Array.from({ length: days }, () => {
      const x = Math.round(20_000 * Math.exp(impressionsSd * random.normal()));
      return { x, y: random.binomial(x, random.beta(CTR * concentration, (1 - CTR) * concentration)) };
    });
    const rate = clusteredRate(sums)!;
    if (rate.ci![0] <= CTR && CTR <= rate.ci![1]) delta += 1;
    if (Math.abs(rate.value - CTR) <= leverageCorrectedHalfWidth(sums)) corrected += 1;
    const clicks = sums.reduce((s, d) => s + d.y, 0);
    const impressions = sums.reduce((s, d) => s + d.x, 0);
    const w = wilsonInterval(clicks, impressions)!;
    if (w[0] <= CTR && CTR <= w[1]) wilson += 1;
    const binomial = (d: DaySums) => d.x * rate.value * (1 - rate.value);
    dispersion += sums.reduce((s, d) => s + (d.y - rate.value * d.x) ** 2 / binomial(d), 0) / (days - 1);
  }
  const percent = (count: number) => `${((100 * count) / WEEKS).toFixed(1)}%`;
  const row = [days, concentration, impressionsSd, `${(dispersion / WEEKS).toFixed(0)}x`];
  console.log(`| ${[...row, percent(delta), percent(corrected), percent(wilson)].join(' | ')} |`);
};

console.log(`# Coverage of nominal-95% CTR intervals, ${WEEKS.toLocaleString('en')} periods each, seed ${SEED}\n`);
const columns = ['days', 'Beta concentration', 'impressions sd (log)', 'overdispersion'];
columns.push('day unit', 'leverage-corrected', 'Wilson');
console.log(`| ${columns.join(' | ')} |`);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const [days, concentration, sd] of [
  [7, 500, 0.3],
  [7, 1700, 0.3],
  [7, 170, 0.3],
  [7, 500, 0.5],
  [7, 500, 0.8],
  [14, 500, 0.5],
  [30, 500, 0.5],
  [30, 500, 0.8],
] as const) {
  scenario(days, concentration, sd);
}
