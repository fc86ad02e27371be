import type { ManifestFile, MetricStatus, Report, ReportMetric } from '../../../shared/report/build-report';
import type { ReportImpact } from '../../../shared/report/impact-section';
import { METRIC_NAMES, metricDefinition, type MetricName } from '../../../shared/report/metrics';

/** A value of the metric's unit, so formatted values look like real ones. */
const sampleValue = (name: MetricName, i: number) => {
  switch (metricDefinition(name).unit) {
    case 'percent':
      return 0.2 + (i % 5) * 0.1;
    case 'share':
      return 0.0012 + i * 0.0001;
    case 'money':
      return 12_345.67 + i * 1000;
    case 'count':
      return 100 + i * 7;
    case 'number':
      return 3.5 + i * 0.1;
  }
};

/** A metric with an interval, a comparison and, when given, a target and status. */
export const metric = (name: MetricName, i: number, extra: Partial<ReportMetric> = {}): ReportMetric => {
  const value = sampleValue(name, i);
  return {
    value,
    n: 120,
    ci: [value * 0.9, value * 1.1],
    comparison:
      metricDefinition(name).unit === 'percent'
        ? { value: value - 0.02, change: 2, unit: 'pp', relativeChange: 0.02 / (value - 0.02) }
        : { value: value * 0.95, change: value * 0.05, unit: 'value', relativeChange: 0.05 / 0.95 },
    ...extra,
  };
};

export const impact = (outcome: string, days = 56): ReportImpact =>
  ({
    status: 'effect',
    withControls: true,
    period: {
      from: '2026-11-16',
      to: '2026-11-22',
      days: 7,
      actual: 977,
      counterfactual: 863.2,
      effect: 113.8,
      ci: [55.3, 174.3],
    },
    cumulative: {
      from: '2026-10-05',
      to: '2026-11-22',
      days: 49,
      actual: 6870,
      counterfactual: 6037.5,
      effect: 832.5,
      ci: [525.4, 1153.2],
      since: '2026-10-05',
      relativeEffect: 0.138,
      pValue: 1.2e-5,
    },
    fit: { preperiodDays: 126, from: '2026-06-01', to: '2026-10-04', mape: 0.031, autocorrelation: 0.46 },
    placebo: { checks: 7, detections: 1, falsePositiveRate: 0.14 },
    outcome,
    controls: ['beacon-academy/other_courses_enrollments'],
    daily: Array.from({ length: days }, (_, d) => {
      const day = new Date(Date.UTC(2026, 8, 28 + d)).toISOString().slice(0, 10);
      const cf = 120 + (d % 7) * 3;
      return { day, actual: cf + 15 + (d % 5), counterfactual: cf, low: cf - 9, high: cf + 9 };
    }),
  }) as unknown as ReportImpact;

export const manifestFile = (key: string, extra: Partial<ManifestFile> = {}): ManifestFile => ({
  key,
  partnerId: key.split('/')[2] ?? 'platform',
  dataset: (key.split('/')[3] ?? 'enrollments') as ManifestFile['dataset'],
  contentHash: 'h',
  generation: 'g1',
  receivedAt: '2026-11-23T01:30:00.000Z',
  lastDay: '2026-11-22',
  ...extra,
});

/**
 * A weekly report of a joint course with every metric: enrollments met, average rating not
 * confirmed, ad ROAS off target, event attendance without enough data, the rest without targets.
 */
export const sampleReport = (overrides: Partial<Report> = {}): Report => {
  const statuses: Partial<Record<MetricName, Partial<ReportMetric>>> = {
    enrollments: { target: { min: 80 }, status: 'met', basis: 'point' },
    partner_enrollment_share: { target: { min: 0.5 }, status: 'met', basis: 'interval' },
    avg_rating: { target: { min: 4.2 }, status: 'inconclusive', side: 'below', basis: 'interval' },
    ad_roas: { target: { min: 2.5 }, status: 'not_met', basis: 'interval' },
    event_attendance_rate: { target: { min: 0.5 }, status: 'insufficient_data', n: 2 },
    referral_conversions: { status: 'maturing' },
  };
  const metrics = Object.fromEntries(
    METRIC_NAMES.map((name, i) => [name, metric(name, i, statuses[name] ?? {})]),
  ) as Report['metrics'];
  return {
    cooperationId: 'joint-course',
    cooperationName: 'Zhixue x Beacon joint AI course',
    highlights: ['enrollments', 'revenue', 'partner_enrollment_share', 'avg_rating'],
    period: {
      label: '2026-W47',
      start: '2026-11-16T00:00:00+08:00',
      end: '2026-11-23T00:00:00+08:00',
      startDay: '2026-11-16',
      endDay: '2026-11-22',
      schedule: 'weekly',
    },
    state: 'final',
    missingDeliveries: [],
    metrics,
    missing: {},
    comparisonBasis: { kind: 'previous_period', label: '2026-W46', state: 'final' },
    verdict: {
      kind: 'attention',
      total: 5,
      met: 2,
      metByPointOnly: 1,
      notMet: 1,
      inconclusiveBelow: 1,
      inconclusiveAbove: 0,
      insufficient: 1,
    },
    liftTests: 0,
    impact: [],
    manifest: {
      files: [
        manifestFile('inbox/joint-course/zhixue/enrollments/enrollments-2026-w47.csv'),
        manifestFile('inbox/joint-course/zhixue/enrollments/enrollments-2026-w46.csv', {
          receivedAt: '2026-11-16T01:30:00.000Z',
          lastDay: '2026-11-17',
        }),
        manifestFile('inbox/joint-course/beacon-academy/feedback/feedback-2026-w47.json'),
      ],
      metricsVersion: '2',
      crossliftVersion: '9.9.9-test',
    },
    ...overrides,
  };
};

/** Earlier periods' metrics, oldest first: the report's values scaled, every status given. */
export const sampleHistory = (report: Report, periods: number, status: MetricStatus = 'met') =>
  Array.from({ length: periods }, (_, p) => ({
    label: `2026-W${String(47 - periods + p).padStart(2, '0')}`,
    metrics: Object.fromEntries(
      Object.entries(report.metrics).map(([name, m]) => [
        name,
        { ...m, value: m!.value === null ? null : m!.value * (0.8 + 0.03 * p), ...(m!.target ? { status } : {}) },
      ]),
    ) as Report['metrics'],
  }));
