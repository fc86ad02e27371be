import jStat from 'jstat';
import type { Interval } from '../../shared/report/stats';
import type { SeededRandom } from './seeded-random';

/**
 * A week of n ratings summarised as the report does (mean with a 95% t interval), drawn from the
 * sampling distribution instead of n rows: for normal rows the mean is N(mu, sd^2 / n) and,
 * independently, the sample variance is sd^2 chi2(n - 1) / (n - 1), so the (mean, interval) pair
 * has exactly the distribution the report would compute from the rows, at two draws instead of n.
 */
export const ratingWeekSampler = (random: SeededRandom, n: number) => {
  const t975 = jStat.studentt.inv(0.975, n - 1);
  return (mu: number, sd: number): { value: number; n: number; ci: Interval } => {
    const value = mu + (sd / Math.sqrt(n)) * random.normal();
    const s = sd * Math.sqrt(random.chiSquare(n - 1) / (n - 1));
    const half = (t975 * s) / Math.sqrt(n);
    return { value, n, ci: [value - half, value + half] };
  };
};
