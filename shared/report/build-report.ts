import type { Cooperation, Target } from '../config/schema';
import type { DatasetName } from '../datasets/names';
import { isCounted, type FileRecord } from '../storage/file-ledger';
import type { DayAggregate } from '../storage/day-aggregates';
import { addDays, daysBetween } from '../time/days';
import { localDayOf, previousPeriod, type Period } from '../time/periods';
import {
  computeMetrics,
  defaultMinSample,
  metricDefinition,
  METRIC_NAMES,
  type MetricName,
  type MetricValue,
  type DaySpread,
} from './metrics';
import { highlightsOf } from './highlights';
import { impactSection, seriesByKey, type ReportImpact } from './impact-section';
import { twoProportionPValue, welchPValue, type Interval } from './stats';
import { activeGenerations, sumAggregates, type Totals } from './totals';
import { expressChange, type NoChangeReason } from '../verdicts/change';
import { clusteredDifferenceTest } from '../verdicts/clustered';
import { adjustForMultipleTests } from '../verdicts/multiple-testing';
import { summariseVerdict, targetStatus, type TargetStatus, type Verdict } from '../verdicts/target-status';

/**
 * The verdict-module status of a reported metric. Provisional and maturing metrics are not judged,
 * so they count as lacking data: the verdict never calls them met.
 */
export const toTargetStatus = (m: ReportMetric): TargetStatus => {
  switch (m.status) {
    case 'met':
    case 'not_met':
      return { outcome: m.status, basis: m.basis ?? 'interval' };
    case 'inconclusive':
      return { outcome: 'inconclusive', basis: 'interval', side: m.side ?? 'below' };
    default:
      return { outcome: 'insufficient_data', n: m.n, minSample: 0, note: m.note ?? '' };
  }
};

/**
 * Bumped whenever a metric's definition changes, so stored reports say which one they used.
 * 2: ad_ctr, ad_cvr and event_attendance_rate with days as the unit; statuses met / not_met /
 * inconclusive; changes in percentage points for proportions; BH-adjusted lift tests.
 */
export const METRICS_VERSION = '2';

/**
 * A targeted metric's status. `met` / `not_met`: the whole 95% interval (or, with `basis:
 * 'point'`, the value alone) is on the target's side / the wrong side; `inconclusive`: the
 * interval straddles the target (`side` says where the estimate is); `insufficient_data`: too
 * few observations to judge; `provisional`: an expected delivery is missing; `maturing`: its
 * conversions can still come in. Only `met` ever reads as "on target".
 */
export type MetricStatus = 'met' | 'not_met' | 'inconclusive' | 'insufficient_data' | 'provisional' | 'maturing';

export interface Comparison {
  /** The comparison value (scaled to the period's length for counts and sums against a baseline). */
  readonly value: number;
  /** current - comparison, in percentage points for proportions (`unit: 'pp'`), else in the metric's unit. */
  readonly change: number;
  readonly unit: 'pp' | 'value';
  /** change / comparison as a fraction; only when the comparison value is > 0. */
  readonly relativeChange?: number;
  /** Two-sided p-value in the metric's unit of analysis (never 0). */
  readonly pValue?: number;
  /** Benjamini-Hochberg adjusted over the report's `tests` lift tests. */
  readonly adjustedPValue?: number;
  readonly significant?: boolean;
  readonly tests?: number;
}

export interface ReportMetric {
  /** null only for a targeted metric whose inputs are missing (status insufficient_data). */
  readonly value: number | null;
  readonly n: number;
  readonly ci?: Interval;
  /** Degrees of freedom of a Student t interval (the alert rule needs them). */
  readonly df?: number;
  /** A count's or sum's days with data and their variance (MetricValue.daySpread): the alert rule reads it. */
  readonly daySpread?: DaySpread;
  readonly target?: Target;
  /** Present for targeted metrics, and for maturing ones. */
  readonly status?: MetricStatus;
  /** For `inconclusive`: where the point estimate is. */
  readonly side?: 'below' | 'above';
  /** For `met` / `not_met`: whether the whole interval decided it, or the value alone. */
  readonly basis?: 'interval' | 'point';
  readonly comparison?: Comparison;
  /** Why there is no comparison, when there is a comparison window but no comparison. */
  readonly noComparison?: NoChangeReason;
  /** Why the status is what it is, when it is not judged (insufficient data, waiting, maturing). */
  readonly note?: string;
}

export interface ManifestFile {
  readonly key: string;
  readonly partnerId: string;
  readonly dataset: DatasetName;
  readonly versionId?: string;
  readonly etag?: string;
  readonly contentHash?: string;
  readonly generation?: string;
  /** When the file's current version was taken in, and the last day it has data for (the email's data freshness). */
  readonly receivedAt?: string;
  readonly lastDay?: string;
}

export interface Report {
  readonly cooperationId: string;
  readonly cooperationName: string;
  /** The metrics the email shows as tiles (`highlights`, else the type's headline metrics); absent in reports stored before. */
  readonly highlights?: readonly MetricName[];
  readonly period: Pick<Period, 'label' | 'start' | 'end' | 'startDay' | 'endDay' | 'schedule'>;
  /** `provisional` while an expected delivery is missing. */
  readonly state: 'final' | 'provisional';
  readonly missingDeliveries: readonly { dataset: DatasetName; partnerId: string }[];
  readonly metrics: Partial<Record<MetricName, ReportMetric>>;
  /** Metrics that could not be computed, with the reason. */
  readonly missing: Partial<Record<MetricName, string>>;
  readonly comparisonBasis:
    | { kind: 'baseline'; from: string; to: string }
    | { kind: 'previous_period'; label: string; state: 'final' | 'provisional' }
    | { kind: 'none'; reason: 'first_period' };
  /** The verdict over the targeted metrics (the subject line's words come from it). */
  readonly verdict: Verdict;
  /** How many lift tests the significance flags were adjusted for (Benjamini-Hochberg). */
  readonly liftTests: number;
  /** What the cooperation caused: one entry per configured `impact` estimate (docs/impact.md). */
  readonly impact: readonly ReportImpact[];
  readonly manifest: {
    readonly files: readonly ManifestFile[];
    readonly metricsVersion: string;
    readonly crossliftVersion: string;
  };
}

/** Judges a metric against its target (see MetricStatus); point mode compares the value alone. */
export const judge = (
  name: MetricName,
  metric: MetricValue,
  target: Target,
): Pick<ReportMetric, 'status' | 'side' | 'basis' | 'note'> => {
  const status = targetStatus(metric, target, defaultMinSample(name));
  switch (status.outcome) {
    case 'insufficient_data':
      return { status: 'insufficient_data', note: status.note };
    case 'inconclusive':
      return { status: 'inconclusive', side: status.side, basis: 'interval' };
    default:
      return { status: status.outcome, basis: status.basis };
  }
};

/** A lift test in the metric's unit of analysis; undefined where the metric has no test. */
const liftPValue = (current: MetricValue, base: MetricValue): number | undefined => {
  const a = current.basis;
  const b = base.basis;
  if (a?.type === 'proportion' && b?.type === 'proportion')
    return twoProportionPValue(a.successes, a.n, b.successes, b.n);
  if (a?.type === 'mean' && b?.type === 'mean') return welchPValue(a, b);
  if (a?.type === 'days' && b?.type === 'days') return clusteredDifferenceTest(a.days, b.days)?.pValue;
  return undefined;
};

export interface ReportInputs {
  readonly cooperation: Cooperation;
  readonly period: Period;
  /** When the report is computed (the schedule's time): decides which referral periods are still maturing. */
  readonly asOf: string;
  readonly files: readonly FileRecord[];
  /** Day aggregates covering the period and its comparison window. */
  readonly aggregates: readonly DayAggregate[];
  /** The `series` dataset's day aggregates from the earliest pre-period to the period's end (only with `impact`). */
  readonly seriesAggregates?: readonly DayAggregate[];
  readonly fileIdOf: (key: string) => string;
  readonly crossliftVersion: string;
}

/** The comparison window of a report: the configured baseline, else the previous period. */
export const comparisonWindow = (cooperation: Cooperation, period: Period) =>
  cooperation.baseline
    ? { kind: 'baseline' as const, from: cooperation.baseline.from, to: cooperation.baseline.to }
    : (() => {
        const previous = previousPeriod(period, cooperation.timezone);
        return {
          kind: 'previous_period' as const,
          from: previous.startDay,
          to: previous.endDay,
          label: previous.label,
        };
      })();

/** Expected deliveries (`expects`) with no data in a window's totals. */
const missingDeliveriesIn = (cooperation: Cooperation, totals: Totals) =>
  Object.entries(cooperation.expects ?? {}).flatMap(([dataset, partners]) =>
    (partners ?? [])
      .filter((p) => !totals.get(dataset as DatasetName)?.partners.has(p))
      .map((partnerId) => ({ dataset: dataset as DatasetName, partnerId })),
  );

/** The last day whose referrals may still convert after `asOf`: the conversion window is open until then. */
const isMaturing = (cooperation: Cooperation, period: Period, asOf: string) =>
  addDays(period.endDay, cooperation.conversionWindowDays) >= localDayOf(asOf, cooperation.timezone);

/** Builds a report from stored aggregates: pure, so any past period can be recomputed exactly. */
export const buildReport = (inputs: ReportInputs): Report => {
  const { cooperation, period } = inputs;
  const active = activeGenerations(inputs.files, inputs.fileIdOf);
  const periodTotals = sumAggregates(inputs.aggregates, active, period.startDay, period.endDay);
  const current = computeMetrics(periodTotals, cooperation);
  const window = comparisonWindow(cooperation, period);
  // The first period of a cooperation has no earlier period to compare with (a baseline may lie before it).
  const hasEarlier = window.kind === 'baseline' || window.to >= cooperation.starts;
  const windowTotals = sumAggregates(inputs.aggregates, active, window.from, window.to);
  const base = computeMetrics(windowTotals, cooperation);
  const scale = (daysBetween(period.startDay, period.endDay) + 1) / (daysBetween(window.from, window.to) + 1);

  const missingDeliveries = missingDeliveriesIn(cooperation, periodTotals);
  const missingDatasets = new Set(missingDeliveries.map((m) => m.dataset));
  const provisional = missingDeliveries.length > 0;
  // A provisional period is never a comparison basis: its lift would measure missing data.
  const earlierProvisional =
    window.kind === 'previous_period' && missingDeliveriesIn(cooperation, windowTotals).length > 0;
  const maturing = isMaturing(cooperation, period, inputs.asOf);
  const waitingFor = (name: MetricName) => {
    const waiting = missingDeliveries.filter((m) => metricDefinition(name).datasets.includes(m.dataset));
    return waiting.length
      ? `waiting for ${waiting.map((m) => `${m.dataset} from ${m.partnerId}`).join(', ')}`
      : undefined;
  };

  const metrics: Partial<Record<MetricName, ReportMetric>> = {};
  const tests: { key: MetricName; pValue: number }[] = [];
  for (const name of METRIC_NAMES) {
    const value = current.values[name];
    if (!value) continue;
    const definition = metricDefinition(name);
    const target = cooperation.targets[name];
    const incomplete = definition.datasets.some((d) => missingDatasets.has(d));
    const verdict: Pick<ReportMetric, 'status' | 'side' | 'basis' | 'note'> = incomplete
      ? { status: 'provisional', note: waitingFor(name) }
      : definition.matures && maturing
        ? {
            status: 'maturing',
            note: `conversions can still come in until ${addDays(period.endDay, cooperation.conversionWindowDays)}`,
          }
        : target
          ? judge(name, value, target)
          : {};
    const baseValue = base.values[name];
    const change =
      baseValue && hasEarlier
        ? expressChange(
            { value: value.value, provisional },
            {
              value:
                definition.scalesWithPeriod && window.kind === 'baseline' ? baseValue.value * scale : baseValue.value,
              provisional: earlierProvisional,
            },
            definition.unit === 'percent' ? 'proportion' : 'level',
          )
        : undefined;
    const pValue = change?.kind === 'change' && baseValue ? liftPValue(value, baseValue) : undefined;
    if (pValue !== undefined) tests.push({ key: name, pValue });
    metrics[name] = {
      value: value.value,
      n: value.n,
      ...(value.ci ? { ci: value.ci } : {}),
      ...(value.df !== undefined ? { df: value.df } : {}),
      ...(value.daySpread ? { daySpread: value.daySpread } : {}),
      ...(target ? { target } : {}),
      ...verdict,
      ...(change?.kind === 'change'
        ? {
            comparison: {
              value: change.earlier,
              change: change.difference,
              unit: change.unit,
              ...(change.relative !== undefined ? { relativeChange: change.relative } : {}),
              ...(pValue !== undefined ? { pValue } : {}),
            },
          }
        : change
          ? { noComparison: change.reason }
          : {}),
    };
  }
  // Significance is judged over all the report's lift tests together (false discovery rate).
  const adjusted = adjustForMultipleTests(tests);
  for (const result of adjusted.results) {
    const m = metrics[result.key]!;
    metrics[result.key] = {
      ...m,
      comparison: {
        ...m.comparison!,
        adjustedPValue: result.adjustedPValue,
        significant: result.significant,
        tests: adjusted.tests,
      },
    };
  }
  // A metric with a target and no data is insufficient_data (or provisional), never mistaken for a pass.
  for (const name of Object.keys(current.missing) as MetricName[]) {
    const target = cooperation.targets[name];
    if (!target) continue;
    const waiting = waitingFor(name);
    metrics[name] = waiting
      ? { value: null, n: 0, target, status: 'provisional', note: waiting }
      : { value: null, n: 0, target, status: 'insufficient_data', note: current.missing[name] };
  }
  const statuses = Object.values(metrics)
    .filter((m): m is ReportMetric => m?.target !== undefined)
    .map((m) => toTargetStatus(m));

  const counted = inputs.files.filter(isCounted);
  const touching = counted.filter((f) => f.days.some((d) => d >= period.startDay && d <= period.endDay));
  return {
    cooperationId: cooperation.id,
    cooperationName: cooperation.name,
    highlights: highlightsOf(cooperation),
    period: {
      label: period.label,
      start: period.start,
      end: period.end,
      startDay: period.startDay,
      endDay: period.endDay,
      schedule: period.schedule,
    },
    state: provisional ? 'provisional' : 'final',
    missingDeliveries,
    metrics,
    missing: current.missing,
    comparisonBasis:
      window.kind === 'baseline'
        ? { kind: 'baseline', from: window.from, to: window.to }
        : hasEarlier
          ? { kind: 'previous_period', label: window.label, state: earlierProvisional ? 'provisional' : 'final' }
          : { kind: 'none', reason: 'first_period' },
    verdict: summariseVerdict(statuses, provisional),
    liftTests: adjusted.tests,
    impact: cooperation.impact.length
      ? impactSection(cooperation, period, seriesByKey(inputs.seriesAggregates ?? [], active))
      : [],
    manifest: {
      files: touching
        .map((f) => ({
          key: f.key,
          partnerId: f.partnerId,
          dataset: f.dataset,
          versionId: f.versionId,
          etag: f.etag,
          contentHash: f.contentHash,
          generation: f.generation,
          receivedAt: f.updatedAt,
          lastDay: f.days.reduce((last, d) => (d > last ? d : last), ''),
        }))
        .sort((a, b) => a.key.localeCompare(b.key)),
      metricsVersion: METRICS_VERSION,
      crossliftVersion: inputs.crossliftVersion,
    },
  };
};
