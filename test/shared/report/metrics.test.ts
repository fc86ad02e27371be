import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { judge } from '../../../shared/report/build-report';
import { DATASETS } from '../../../shared/datasets/definitions';
import { DATASET_NAMES } from '../../../shared/datasets/names';
import {
  computeMetrics,
  DEFAULT_MIN_SAMPLE,
  METRIC_NAMES,
  metricDefinition,
  type MetricValue,
} from '../../../shared/report/metrics';
import { cooperation, datasetTotals, totalsOf, wilsonRoots } from './fixtures';

const T975_9 = 2.262157; // t_{0.975, 9}
const T975_2 = 4.302653; // t_{0.975, 2}

describe('computeMetrics: enrollments', () => {
  it('counts kept enrollments, sums revenue and gives shares with Wilson intervals', () => {
    // Prepare: 10 rows, 2 refunded, 8 kept, 6 of them through a partner channel
    const totals = totalsOf({
      enrollments: datasetTotals({
        '2026-11-09': {
          rows: 6,
          enrollments: 5,
          revenue: 500,
          revenue_sq: 50_000,
          partner_enrollments: 4,
          refunded: 1,
        },
        '2026-11-10': {
          rows: 4,
          enrollments: 3,
          revenue: 300,
          revenue_sq: 30_000,
          partner_enrollments: 2,
          refunded: 1,
        },
      }),
    });
    // Act
    const { values, missing } = computeMetrics(totals, cooperation());
    // Assess
    // Two days: 5 and 3 enrollments (variance ((5-4)^2 + (3-4)^2) / 1 = 2), 500 and 300 of revenue (20,000).
    expect(values.enrollments).toEqual({ kind: 'count', value: 8, n: 10, daySpread: { days: 2, variance: 2 } });
    expect(values.revenue).toEqual({ kind: 'sum', value: 800, n: 8, daySpread: { days: 2, variance: 20_000 } });
    expect(values.partner_enrollment_share).toMatchObject({
      kind: 'proportion',
      value: 0.75,
      n: 8,
      basis: { type: 'proportion', successes: 6, n: 8 },
    });
    const [low, high] = wilsonRoots(6, 8);
    expect(values.partner_enrollment_share!.ci![0]).toBeCloseTo(low, 10);
    expect(values.partner_enrollment_share!.ci![1]).toBeCloseTo(high, 10);
    expect(values.refund_rate).toMatchObject({ value: 0.2, n: 10 });
    expect(missing.enrollments).toBeUndefined();
  });

  it('says why the partner share is missing when every enrollment was refunded', () => {
    // Prepare
    const totals = totalsOf({
      enrollments: datasetTotals({
        '2026-11-09': { rows: 3, enrollments: 0, revenue: 0, revenue_sq: 0, partner_enrollments: 0, refunded: 3 },
      }),
    });
    // Act
    const { values, missing } = computeMetrics(totals, cooperation());
    // Assess
    expect(values.partner_enrollment_share).toBeUndefined();
    expect(missing.partner_enrollment_share).toBe('no enrollments that were not refunded');
    expect(values.refund_rate?.value).toBe(1);
    expect(values.enrollments).toEqual({ kind: 'count', value: 0, n: 3 });
  });
});

describe('computeMetrics: referrals, campaigns, feedback, events', () => {
  it('computes referral counts, conversion rate and revenue', () => {
    // Prepare
    const totals = totalsOf({
      referrals: datasetTotals({ '2026-11-09': { rows: 50, conversions: 10, revenue: 1000, revenue_sq: 150_000 } }),
    });
    // Act
    const { values } = computeMetrics(totals, cooperation());
    // Assess
    expect(values.referrals).toEqual({ kind: 'count', value: 50, n: 50 });
    expect(values.referral_conversions).toEqual({ kind: 'count', value: 10, n: 50 });
    expect(values.referral_conversion_rate).toMatchObject({ value: 0.2, n: 50 });
    expect(values.referral_conversion_rate!.ci![0]).toBeCloseTo(wilsonRoots(10, 50)[0], 10);
    expect(values.referral_revenue).toEqual({ kind: 'sum', value: 1000, n: 10 });
  });

  it('computes ad rates from totals and ROAS / CAC as ratios over days', () => {
    // Prepare: three days of campaigns
    const days = {
      '2026-11-09': { rows: 2, impressions: 10_000, clicks: 300, conversions: 30, spend: 100, revenue: 250 },
      '2026-11-10': { rows: 2, impressions: 12_000, clicks: 360, conversions: 40, spend: 120, revenue: 330 },
      '2026-11-11': { rows: 1, impressions: 8_000, clicks: 140, conversions: 10, spend: 80, revenue: 180 },
    };
    const totals = totalsOf({ campaigns: datasetTotals(days) });
    // ROAS by hand: R = 760 / 300; residuals y - R x; s^2 = sum / (k - 1); half = t_{0.975,2} * sqrt(s^2 / (k xbar^2))
    const xs = [100, 120, 80];
    const ys = [250, 330, 180];
    const r = 760 / 300;
    const s2 = xs.reduce((s, x, i) => s + (ys[i]! - r * x) ** 2, 0) / 2;
    const half = T975_2 * Math.sqrt(s2 / (3 * 100 * 100));
    // Act
    const { values } = computeMetrics(totals, cooperation());
    // Assess
    // Day totals 10,000, 12,000, 8,000: mean 10,000, variance (0 + 4e6 + 4e6) / 2 = 4e6.
    expect(values.ad_impressions).toEqual({
      kind: 'count',
      value: 30_000,
      n: 5,
      daySpread: { days: 3, variance: 4_000_000 },
    });
    expect(values.ad_clicks?.value).toBe(800);
    expect(values.ad_conversions?.value).toBe(80);
    expect(values.ad_spend).toEqual({ kind: 'sum', value: 300, n: 5, daySpread: { days: 3, variance: 400 } });
    expect(values.ad_revenue?.value).toBe(760);
    // Day-unit CTR by hand: R = 800 / 30000 over k = 3 days, residuals clicks - R impressions.
    const imps = [10_000, 12_000, 8_000];
    const clicks = [300, 360, 140];
    const ctr = 800 / 30_000;
    const ctrS2 = imps.reduce((s, x, i) => s + (clicks[i]! - ctr * x) ** 2, 0) / 2;
    const ctrHalf = T975_2 * Math.sqrt(ctrS2 / (3 * 10_000 * 10_000));
    expect(values.ad_ctr).toMatchObject({ kind: 'proportion', n: 3, df: 2 });
    expect(values.ad_ctr!.value).toBeCloseTo(ctr, 12);
    expect(values.ad_ctr!.ci![0]).toBeCloseTo(Math.max(0, ctr - ctrHalf), 6);
    expect(values.ad_ctr!.ci![1]).toBeCloseTo(ctr + ctrHalf, 6);
    expect(values.ad_cvr).toMatchObject({ value: 0.1, n: 3 });
    expect(values.ad_roas).toMatchObject({ kind: 'ratio', n: 3 });
    expect(values.ad_roas!.value).toBeCloseTo(r, 12);
    expect(values.ad_roas!.ci![0]).toBeCloseTo(r - half, 5);
    expect(values.ad_roas!.ci![1]).toBeCloseTo(r + half, 5);
    expect(values.ad_cac!.value).toBeCloseTo(300 / 80, 12);
  });

  it('reports missing ad rates instead of dividing by zero', () => {
    // Prepare: a day with no impressions, clicks, conversions or spend
    const totals = totalsOf({
      campaigns: datasetTotals({
        '2026-11-09': { rows: 1, impressions: 0, clicks: 0, conversions: 0, spend: 0, revenue: 0 },
      }),
    });
    // Act
    const { values, missing } = computeMetrics(totals, cooperation());
    // Assess
    expect(values.ad_impressions).toEqual({ kind: 'count', value: 0, n: 1 });
    expect(missing).toMatchObject({
      ad_ctr: 'no ad impressions',
      ad_cvr: 'no ad clicks',
      ad_roas: 'no ad spend',
      ad_cac: 'no ad conversions',
    });
    for (const name of ['ad_ctr', 'ad_cvr', 'ad_roas', 'ad_cac'] as const) expect(values[name]).toBeUndefined();
  });

  it('computes the average rating with a t interval and NPS with its interval', () => {
    // Prepare: ten ratings, and nps answers 9, 10, 7, 3, 10 (3 promoters, 1 detractor of 5)
    const ratings = [5, 4, 4, 3, 5, 5, 2, 4, 5, 3];
    const sum = ratings.reduce((s, r) => s + r, 0); // 40
    const mean = sum / 10;
    const variance = ratings.reduce((s, r) => s + (r - mean) ** 2, 0) / 9;
    const half = T975_9 * Math.sqrt(variance / 10);
    const totals = totalsOf({
      feedback: datasetTotals({
        '2026-11-09': {
          rows: 10,
          rating: sum,
          rating_sq: ratings.reduce((s, r) => s + r * r, 0),
          nps_n: 5,
          promoters: 3,
          detractors: 1,
        },
      }),
    });
    // Act
    const { values } = computeMetrics(totals, cooperation());
    // Assess
    expect(values.feedback_count).toEqual({ kind: 'count', value: 10, n: 10 });
    expect(values.avg_rating).toMatchObject({ kind: 'mean', value: 4, n: 10, basis: { type: 'mean', n: 10, mean: 4 } });
    expect((values.avg_rating!.basis as { variance: number }).variance).toBeCloseTo(variance, 12);
    expect(values.avg_rating!.ci![0]).toBeCloseTo(mean - half, 5);
    expect(values.avg_rating!.ci![1]).toBeCloseTo(mean + half, 5);
    expect(values.nps).toMatchObject({ kind: 'score', n: 5 });
    expect(values.nps!.value).toBeCloseTo(40, 10);
  });

  it('says NPS is missing when nobody answered it', () => {
    // Prepare
    const totals = totalsOf({
      feedback: datasetTotals({
        '2026-11-09': { rows: 2, rating: 9, rating_sq: 41, nps_n: 0, promoters: 0, detractors: 0 },
      }),
    });
    // Act
    const { values, missing } = computeMetrics(totals, cooperation());
    // Assess
    expect(values.nps).toBeUndefined();
    expect(missing.nps).toBe('no nps answers');
    expect(values.avg_rating?.value).toBe(4.5);
  });

  it('computes event counts and the attendance rate', () => {
    // Prepare
    const totals = totalsOf({
      events: datasetTotals({ '2026-11-09': { rows: 3, registrations: 200, attendees: 120, new_users: 40 } }),
    });
    // Act
    const { values } = computeMetrics(totals, cooperation());
    // Assess
    expect(values.event_registrations).toEqual({ kind: 'count', value: 200, n: 3 });
    expect(values.event_attendees).toEqual({ kind: 'count', value: 120, n: 3 });
    // Days are the unit: one day of events has a rate but no interval (and is n = 1).
    expect(values.event_attendance_rate).toMatchObject({ value: 0.6, n: 1 });
    expect(values.event_attendance_rate?.ci).toBeUndefined();
    expect(values.event_new_users).toEqual({ kind: 'count', value: 40, n: 3 });
  });
});

describe('computeMetrics: the effect model', () => {
  const fullTotals = () =>
    totalsOf({
      // user scale U = mean over days of the day's score sum = (300 + 500) / 2 = 400; 4 activity rows
      activity: datasetTotals({
        '2026-11-09': { rows: 2, score: 300, score_sq: 0 },
        '2026-11-10': { rows: 2, score: 500, score_sq: 0 },
      }),
      // brand influence B = (40 + 60 + 80) / 3 = 60
      brand: datasetTotals({
        '2026-11-09': { rows: 1, influence: 40, influence_sq: 1600, followers: 0, mentions: 0 },
        '2026-11-10': { rows: 1, influence: 60, influence_sq: 3600, followers: 0, mentions: 0 },
        '2026-11-11': { rows: 1, influence: 80, influence_sq: 6400, followers: 0, mentions: 0 },
      }),
      enrollments: datasetTotals({
        '2026-11-09': { rows: 12, enrollments: 10, revenue: 0, revenue_sq: 0, partner_enrollments: 0, refunded: 2 },
      }),
      feedback: datasetTotals({
        '2026-11-09': { rows: 20, rating: 80, rating_sq: 330, nps_n: 0, promoters: 0, detractors: 0 },
      }),
    });

  it("computes U, B, S, S', A_C, A_A and M by the published formulas", () => {
    // Prepare: market T = 8000, T' = 600; capability 80/70/60 with alpha 0.8/0.2/0 -> A_C = 64 + 14 = 78;
    // records [4 activity rows, 10 kept enrollments, 20 feedback rows] with beta 0.5/0.3/0.2 -> A_A = 2 + 3 + 4 = 9;
    // M = (400 + 60) / 8000 * 78 * 9 = 40.365
    const coop = cooperation({
      market: { totalUsers: 8000, totalBrand: 600 },
      model: { capability: { storage: 80, processing: 70, analysis: 60 } },
    });
    // Act
    const { values, missing } = computeMetrics(fullTotals(), coop);
    // Assess
    expect(values.user_scale).toMatchObject({ kind: 'mean', value: 400, n: 2 });
    expect(values.brand_influence).toMatchObject({ kind: 'mean', value: 60, n: 3 });
    expect(values.market_share!.value).toBeCloseTo(0.05, 12);
    expect(values.brand_share!.value).toBeCloseTo(0.1, 12);
    expect(values.capability_score).toEqual({ kind: 'model', value: 78, n: 1 });
    expect(values.recommendation_score!.value).toBeCloseTo(9, 12);
    expect(values.recommendation_score!.n).toBe(34);
    expect(values.effect_score!.value).toBeCloseTo(40.365, 9);
    for (const name of [
      'user_scale',
      'brand_influence',
      'market_share',
      'brand_share',
      'capability_score',
      'recommendation_score',
      'effect_score',
    ] as const) {
      expect(missing[name]).toBeUndefined();
    }
  });

  it('uses configured alpha and beta weights', () => {
    // Prepare: alpha 0/0/1 -> A_C = 60; beta 1/0/0 -> A_A = 4; M = 460 / 8000 * 60 * 4 = 13.8
    const coop = cooperation({
      market: { totalUsers: 8000, totalBrand: 600 },
      model: { capability: { storage: 80, processing: 70, analysis: 60 }, alpha: [0, 0, 1], beta: [1, 0, 0] },
    });
    // Act
    const { values } = computeMetrics(fullTotals(), coop);
    // Assess
    expect(values.capability_score?.value).toBe(60);
    expect(values.recommendation_score?.value).toBe(4);
    expect(values.effect_score!.value).toBeCloseTo(13.8, 10);
  });

  it('names what the model lacks when the config has no market or capability', () => {
    // Prepare
    const coop = cooperation();
    // Act
    const { values, missing } = computeMetrics(fullTotals(), coop);
    // Assess
    expect(values.user_scale?.value).toBe(400);
    expect(missing.market_share).toBe('no market.totalUsers in the cooperation config');
    expect(missing.brand_share).toBe('no market.totalBrand in the cooperation config');
    expect(missing.capability_score).toBe('no model.capability in the cooperation config');
    expect(missing.effect_score).toBe('needs market in the config, model.capability in the config');
  });
});

describe('computeMetrics: missing data', () => {
  it('puts every metric in missing, with a reason, when there is no data at all', () => {
    // Prepare
    const coop = cooperation();
    // Act
    const { values, missing } = computeMetrics(new Map(), coop);
    // Assess
    expect(values).toEqual({});
    expect(Object.keys(missing).sort()).toEqual([...METRIC_NAMES].sort());
    expect(missing.enrollments).toBe('no enrollments data in this period');
    expect(missing.referral_conversion_rate).toBe('no referrals data in this period');
    expect(missing.ad_roas).toBe('no campaigns data in this period');
    expect(missing.avg_rating).toBe('no feedback data in this period');
    expect(missing.event_attendance_rate).toBe('no events data in this period');
    expect(missing.user_scale).toBe('no activity data in this period');
    expect(missing.market_share).toBe('no activity data in this period');
    expect(missing.brand_share).toBe('no brand data in this period');
    expect(missing.recommendation_score).toBe('no activity, enrollments, feedback data in this period');
    expect(missing.effect_score).toBe(
      'needs activity data, brand data, market in the config, model.capability in the config, activity, enrollments and feedback data',
    );
  });

  it('puts every metric in exactly one of values and missing, with finite values and non-empty reasons (property)', () => {
    const measureArb = (names: string[]) =>
      fc
        .dictionary(
          fc.constantFrom('2026-11-09', '2026-11-10', '2026-11-11'),
          fc.tuple(...names.map(() => fc.nat(1000))),
          { minKeys: 1 },
        )
        .map((days) =>
          Object.fromEntries(
            Object.entries(days).map(([d, vs]) => [d, Object.fromEntries(names.map((n, i) => [n, vs[i]!]))]),
          ),
        );
    const arb = fc.record(
      {
        enrollments: measureArb(['rows', 'enrollments', 'revenue', 'revenue_sq', 'partner_enrollments', 'refunded']),
        referrals: measureArb(['rows', 'conversions', 'revenue', 'revenue_sq']),
        campaigns: measureArb(['rows', 'impressions', 'clicks', 'conversions', 'spend', 'revenue']),
        activity: measureArb(['rows', 'score', 'score_sq']),
        feedback: measureArb(['rows', 'rating', 'rating_sq', 'nps_n', 'promoters', 'detractors']),
        events: measureArb(['rows', 'registrations', 'attendees', 'new_users']),
        brand: measureArb(['rows', 'influence', 'influence_sq', 'followers', 'mentions']),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(arb, fc.boolean(), (data, configured) => {
        // Prepare
        const totals = totalsOf(Object.fromEntries(Object.entries(data).map(([k, days]) => [k, datasetTotals(days)])));
        const coop = configured
          ? cooperation({
              market: { totalUsers: 1000, totalBrand: 100 },
              model: { capability: { storage: 1, processing: 2, analysis: 3 } },
            })
          : cooperation();
        // Act
        const { values, missing } = computeMetrics(totals, coop);
        // Assess
        for (const name of METRIC_NAMES) {
          const value = values[name];
          expect(value === undefined).toBe(missing[name] !== undefined);
          if (value) {
            expect(Number.isFinite(value.value)).toBe(true);
            expect(value.kind).toBe(metricDefinition(name).kind);
          } else {
            expect(missing[name]).toMatch(/\S/);
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('judge', () => {
  const proportion = (value: number, n: number, ci: [number, number]): MetricValue => ({
    kind: 'proportion',
    value,
    n,
    ci,
  });

  it('judges a count by its point value (no interval)', () => {
    // Prepare
    const below: MetricValue = { kind: 'count', value: 79, n: 100 };
    const at: MetricValue = { kind: 'count', value: 80, n: 100 };
    // Act
    const verdicts = [judge('enrollments', below, { min: 80 }), judge('enrollments', at, { min: 80 })];
    // Assess
    expect(verdicts).toEqual([
      { status: 'not_met', basis: 'point' },
      { status: 'met', basis: 'point' },
    ]);
  });

  it('in confident mode, is not met only when the whole interval is below the minimum, inconclusive when it straddles', () => {
    // Prepare: point 0.45 below 0.5, but the interval reaches 0.51
    const straddling = proportion(0.45, 100, [0.4, 0.51]);
    const clearlyBelow = proportion(0.4, 100, [0.3, 0.49]);
    // Act
    const a = judge('partner_enrollment_share', straddling, { min: 0.5 });
    const b = judge('partner_enrollment_share', clearlyBelow, { min: 0.5 });
    const c = judge('partner_enrollment_share', straddling, { min: 0.5, mode: 'point' });
    // Assess
    expect(a).toEqual({ status: 'inconclusive', side: 'below', basis: 'interval' });
    expect(b).toEqual({ status: 'not_met', basis: 'interval' });
    expect(c).toEqual({ status: 'not_met', basis: 'point' });
  });

  it('judges max targets: not met only when the whole interval is above (confident) or the point is (point)', () => {
    // Prepare
    const metric = proportion(0.3, 200, [0.25, 0.35]);
    // Act
    const confidentAbove = judge('refund_rate', metric, { max: 0.2 });
    const confidentOk = judge('refund_rate', metric, { max: 0.3 });
    const pointAbove = judge('refund_rate', metric, { max: 0.29, mode: 'point' });
    const pointAt = judge('refund_rate', metric, { max: 0.3, mode: 'point' });
    // Assess
    expect(confidentAbove.status).toBe('not_met');
    expect(confidentOk).toEqual({ status: 'inconclusive', side: 'below', basis: 'interval' });
    expect(pointAbove.status).toBe('not_met');
    expect(pointAt.status).toBe('met');
  });

  it("needs the minimum sample of the metric kind, or the target's own", () => {
    // Prepare: proportions need 30 by default
    const metric = proportion(0.1, 29, [0.02, 0.27]);
    // Act
    const byDefault = judge('partner_enrollment_share', metric, { min: 0.5 });
    const ownMinimum = judge('partner_enrollment_share', metric, { min: 0.5, minSample: 20 });
    // Assess
    expect(DEFAULT_MIN_SAMPLE.proportion).toBe(30);
    expect(byDefault).toEqual({ status: 'insufficient_data', note: 'n = 29 is below the minimum sample of 30' });
    expect(ownMinimum.status).toBe('not_met');
  });

  it('uses the default minimum sample of each kind', () => {
    // Prepare: ratio needs 7 days, mean 10 answers
    const roas: MetricValue = { kind: 'ratio', value: 1, n: 6, ci: [0.5, 1.5] };
    const rating: MetricValue = { kind: 'mean', value: 3, n: 10, ci: [2, 3.9] };
    // Act
    const a = judge('ad_roas', roas, { min: 2.5 });
    const b = judge('avg_rating', rating, { min: 4 });
    // Assess
    expect(a.status).toBe('insufficient_data');
    expect(b.status).toBe('not_met');
  });
});

describe('the metric registry', () => {
  it('gives every metric a label in every locale, a unit of analysis and known datasets', () => {
    // Prepare
    const datasets = new Set<string>(DATASET_NAMES);
    // Act
    const entries = METRIC_NAMES.map((name) => [name, metricDefinition(name)] as const);
    // Assess
    expect(entries).toHaveLength(31);
    for (const [, definition] of entries) {
      expect(definition.labels.en).toMatch(/\S/);
      expect(definition.labels['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
      expect(definition.unitOfAnalysis).toMatch(/\S/);
      for (const d of definition.datasets) expect(datasets.has(d)).toBe(true);
    }
  });

  it('computes a metric without data as missing, naming its first dataset', () => {
    // Prepare: no data at all
    const totals = totalsOf({});
    // Act
    const { values, missing } = computeMetrics(totals, cooperation());
    // Assess
    expect(values).toEqual({});
    for (const name of METRIC_NAMES) {
      const first = metricDefinition(name).datasets[0];
      if (first && metricDefinition(name).datasets.length === 1)
        expect(missing[name]).toBe(`no ${first} data in this period`);
    }
  });

  it('names dataset measures that the datasets really store', () => {
    // Prepare: every measure name of every dataset
    const stored = new Set(DATASET_NAMES.flatMap((d) => DATASETS[d].measures.map((m) => `${d}.${m}`)));
    // Act
    const ratingMeasures = ['feedback.rows', 'feedback.rating', 'feedback.rating_sq'];
    // Assess
    for (const m of ratingMeasures) expect(stored.has(m)).toBe(true);
  });
});
