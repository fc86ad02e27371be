import { describe, expect, it } from 'vitest';
import { evaluateAlerts, type AlertState } from '../../../shared/alerts/evaluate';
import { judge, type Report, type ReportMetric } from '../../../shared/report/build-report';
import { computeMetrics, type MetricName } from '../../../shared/report/metrics';
import { seededRandom, type SeededRandom } from '../../support/seeded-random';
import { cooperation, datasetTotals, totalsOf } from '../report/fixtures';

/**
 * Alerts on totals (counts and sums: no interval), end to end from days to alert states: a week's
 * day totals go through computeMetrics and judge as the report does, then evaluateAlerts folds
 * the week in, with the states it returned the week before. Seeded simulations measure false
 * alarms with every target exactly met, and how soon a real shortfall fires.
 */

const DAYS = ['2026-11-09', '2026-11-10', '2026-11-11', '2026-11-12', '2026-11-13', '2026-11-14', '2026-11-15'];
const settings = cooperation();
const NO_DATASETS = { before: new Set<never>(), now: new Set<never>() };

type Targets = Partial<Record<MetricName, { min: number } | { max: number }>>;

/**
 * A report of one week with the given day totals of campaigns (undefined: no data that day), the
 * targeted metrics judged as build-report does.
 */
const weekReport = (week: number, day: (i: number) => Record<string, number> | undefined, targets: Targets): Report => {
  const days: Record<string, Record<string, number>> = {};
  DAYS.forEach((d, i) => {
    const totals = day(i);
    if (totals) days[d] = { rows: 1, ...totals };
  });
  const { values } = computeMetrics(totalsOf({ campaigns: datasetTotals(days) }), settings);
  const metrics: Partial<Record<MetricName, ReportMetric>> = {};
  for (const [name, target] of Object.entries(targets) as [MetricName, { min: number } | { max: number }][]) {
    const v = values[name]!;
    metrics[name] = {
      value: v.value,
      n: v.n,
      ...(v.daySpread ? { daySpread: v.daySpread } : {}),
      target,
      ...judge(name, v, target),
    };
  }
  return { period: { label: `2026-W${String(week).padStart(2, '0')}` }, state: 'final', metrics } as unknown as Report;
};

/** Weeks of reports through evaluateAlerts with carried states; the weeks each metric fired in. */
const run = (weeks: number, report: (week: number) => Report) => {
  const states = new Map<string, AlertState>();
  const fired: { metric: string; week: number }[] = [];
  for (let week = 1; week <= weeks; week += 1) {
    const evaluation = evaluateAlerts(report(week), states, NO_DATASETS);
    for (const update of evaluation.updates) {
      const before = states.get(update.key);
      states.set(update.key, {
        key: update.key,
        state: update.state,
        period: update.draft?.period ?? before?.period ?? '',
        version: (before?.version ?? 0) + 1,
        ...update.detector,
      });
      if (update.draft?.transition === 'firing') fired.push({ metric: update.key, week });
    }
  }
  return { fired, states };
};

describe('alerts on totals: the daily spread', () => {
  it('pools the days of every folded-in week, and falls back to Poisson for a count whose rows are on one day', () => {
    // Prepare: impressions of 3 days (100, 200, 300: squares 20,000), then one day only.
    const targets: Targets = { ad_impressions: { min: 1_000 }, ad_spend: { min: 1_000 } };
    const threeDays = (i: number) => (i < 3 ? { impressions: 100 * (i + 1), spend: 10 * (i + 1) } : undefined);
    // Act
    const { states } = run(2, (week) => weekReport(week, threeDays, targets));
    const oneDay = evaluateAlerts(
      weekReport(3, (i) => (i === 0 ? { impressions: 50, spend: 5 } : undefined), targets),
      new Map(),
      NO_DATASETS,
    );
    // Assess: two weeks of 3 days: squares 2 x 20,000 over 2 x 2 df; spend 2 x 200 over 4.
    expect(states.get('ad_impressions')?.dayVariance).toEqual({ squares: 40_000, df: 4 });
    expect(states.get('ad_spend')?.dayVariance).toEqual({ squares: 400, df: 4 });
    // One day: the count still steps (Poisson: 50 vs >= 1,000 is 134 standard errors short, it fires),
    // the sum has no standard error and is carried.
    expect(oneDay.updates.map((u) => u.key)).toEqual(['ad_impressions']);
    expect(oneDay.updates[0]?.draft?.transition).toBe('firing');
    expect(oneDay.updates[0]?.detector?.dayVariance).toBeUndefined();
  });
});

describe('alerts on totals: days all alike', () => {
  it('never gives a count a standard error below Poisson, and a sum none', () => {
    // Prepare: 7 days of 0 conversions and 0 spend, against minimums of 10 and 100.
    const targets: Targets = { ad_conversions: { min: 10 }, ad_spend: { min: 100 } };
    const report = weekReport(1, () => ({ conversions: 0, spend: 0 }), targets);
    // Act
    const { updates } = evaluateAlerts(report, new Map(), NO_DATASETS);
    // Assess: conversions are 10 Poisson errors short (se 1): the CUSUM is 10 - k = 9.25, the
    // alert fires (not on an infinite z); the spread of a sum of days all alike says nothing: carried.
    expect(updates.map((u) => [u.key, u.draft?.transition])).toEqual([['ad_conversions', 'firing']]);
    expect(updates[0]?.draft?.line).toMatchObject({ z: 10 });
  });
});

describe('alerts on totals over simulated years (6 targeted totals, weekly reports)', () => {
  /** Share of years in which any of the six targeted totals fired, every target exactly met. */
  const yearsWithAlarm = (years: number, day: () => Record<string, number>, targets: Targets) => {
    let count = 0;
    for (let y = 0; y < years; y += 1) {
      if (run(52, (week) => weekReport(week, day, targets)).fired.length > 0) count += 1;
    }
    return count / years;
  };

  // Counts overdispersed (Poisson with a Gamma(2) mean: day variance ~11x the mean), money Gamma(4).
  const atTarget = (random: SeededRandom) => () => ({
    impressions: random.poisson(10 * random.gamma(2)),
    clicks: random.poisson(10 * random.gamma(2)),
    conversions: random.poisson(10 * random.gamma(2)),
    spend: 250 * random.gamma(4),
    revenue: 250 * random.gamma(4),
  });

  /** The five totals' weekly targets at their days' mean, and a sixth that never falls short (budget split six ways). */
  const atTheirMean = (direction: 'min' | 'max'): Targets => {
    const bound = (value: number) => (direction === 'min' ? { min: value } : { max: value });
    return {
      ad_impressions: bound(140),
      ad_clicks: bound(140),
      ad_conversions: bound(140),
      ad_spend: bound(7_000),
      ad_revenue: bound(7_000),
      ad_roas: { min: 0 },
    };
  };

  it.each([
    ['min', 21, 0.1],
    ['max', 22, 0.06],
  ] as const)(
    'false-alarms rarely with %s targets exactly met (seed %i; budget 5%, Poisson errors: nearly every year)',
    (direction, seed, bound) => {
      // Act
      const rate = yearsWithAlarm(400, atTarget(seededRandom(seed)), atTheirMean(direction));
      // Assess
      console.info(`totals at ${direction} targets: years with a false alarm ${(100 * rate).toFixed(1)}%`);
      expect(rate).toBeLessThanOrEqual(bound);
    },
  );

  it('fires on a revenue 30% below its target within 8 weeks in >= 90% of runs, and on clicks 30% below', () => {
    // Prepare: the same days at 70% of the targets' level.
    const random = seededRandom(23);
    const targets: Targets = { ad_revenue: { min: 7_000 }, ad_clicks: { min: 140 } };
    const short = () => ({ clicks: random.poisson(0.7 * 10 * random.gamma(2)), revenue: 0.7 * 250 * random.gamma(4) });
    const runs = 300;
    let revenueWithin8 = 0;
    let clicksWithin8 = 0;
    // Act
    for (let r = 0; r < runs; r += 1) {
      const { fired } = run(8, (week) => weekReport(week, short, targets));
      if (fired.some((f) => f.metric === 'ad_revenue')) revenueWithin8 += 1;
      if (fired.some((f) => f.metric === 'ad_clicks')) clicksWithin8 += 1;
    }
    // Assess
    console.info(
      `30% short: fired within 8 weeks: revenue ${((100 * revenueWithin8) / runs).toFixed(1)}%, clicks ${((100 * clicksWithin8) / runs).toFixed(1)}%`,
    );
    expect(revenueWithin8 / runs).toBeGreaterThanOrEqual(0.9);
    expect(clicksWithin8 / runs).toBeGreaterThanOrEqual(0.5);
  });
});
