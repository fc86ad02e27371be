import type { Cooperation, Target } from '../config/schema';
import type { DatasetName } from '../datasets/names';
import { isCounted, type FileRecord } from '../storage/file-ledger';
import type { DayAggregate } from '../storage/day-aggregates';
import { daysBetween } from '../time/days';
import { previousPeriod, type Period } from '../time/periods';
import { computeMetrics, defaultMinSample, metricDefinition, METRIC_NAMES, type MetricName, type MetricValue } from './metrics';
import { twoProportionPValue, welchPValue, type Interval } from './stats';
import { activeGenerations, sumAggregates } from './totals';

/** Bumped whenever a metric's definition changes, so stored reports say which one they used. */
export const METRICS_VERSION = '1';

export type MetricStatus = 'ok' | 'below_target' | 'above_target' | 'insufficient_data';

export interface Comparison {
  readonly value: number;
  readonly change: number;
  readonly relativeChange?: number;
  readonly pValue?: number;
  readonly significant?: boolean;
}

export interface ReportMetric {
  /** null only for a targeted metric whose inputs are missing (status insufficient_data). */
  readonly value: number | null;
  readonly n: number;
  readonly ci?: Interval;
  readonly target?: Target;
  readonly status: MetricStatus;
  readonly comparison?: Comparison;
  /** Why the status is insufficient_data, when it is. */
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
}

export interface Report {
  readonly cooperationId: string;
  readonly cooperationName: string;
  readonly period: Pick<Period, 'label' | 'start' | 'end' | 'startDay' | 'endDay' | 'schedule'>;
  /** `provisional` while an expected delivery is missing. */
  readonly state: 'final' | 'provisional';
  readonly missingDeliveries: readonly { dataset: DatasetName; partnerId: string }[];
  readonly metrics: Partial<Record<MetricName, ReportMetric>>;
  /** Metrics that could not be computed, with the reason. */
  readonly missing: Partial<Record<MetricName, string>>;
  readonly comparisonBasis: { kind: 'baseline'; from: string; to: string } | { kind: 'previous_period'; label: string };
  readonly manifest: {
    readonly files: readonly ManifestFile[];
    readonly metricsVersion: string;
    readonly crossliftVersion: string;
  };
}

/** Judges a metric against its target; `confident` needs the whole interval on the wrong side. */
export const judge = (name: MetricName, metric: MetricValue, target: Target | undefined): { status: MetricStatus; note?: string } => {
  if (!target) return { status: 'ok' };
  const minSample = target.minSample ?? defaultMinSample(name);
  if (metric.n < minSample) return { status: 'insufficient_data', note: `n = ${metric.n} is below the minimum sample of ${minSample}` };
  const hasInterval = metric.ci !== undefined;
  const mode = target.mode ?? (hasInterval ? 'confident' : 'point');
  const [low, high] = mode === 'confident' && metric.ci ? metric.ci : [metric.value, metric.value];
  if (target.min !== undefined && high < target.min) return { status: 'below_target' };
  if (target.max !== undefined && low > target.max) return { status: 'above_target' };
  return { status: 'ok' };
};

const compare = (name: MetricName, current: MetricValue, base: MetricValue, scale: number): Comparison => {
  const value = metricDefinition(name).scalesWithPeriod ? base.value * scale : base.value;
  const change = current.value - value;
  let pValue: number | undefined;
  if (current.basis?.type === 'proportion' && base.basis?.type === 'proportion') {
    pValue = twoProportionPValue(current.basis.successes, current.basis.n, base.basis.successes, base.basis.n);
  } else if (current.basis?.type === 'mean' && base.basis?.type === 'mean') {
    pValue = welchPValue(current.basis, base.basis);
  }
  return {
    value,
    change,
    ...(value !== 0 ? { relativeChange: change / Math.abs(value) } : {}),
    ...(pValue !== undefined ? { pValue, significant: pValue < 0.05 } : {}),
  };
};

export interface ReportInputs {
  readonly cooperation: Cooperation;
  readonly period: Period;
  readonly files: readonly FileRecord[];
  /** Day aggregates covering the period and its comparison window. */
  readonly aggregates: readonly DayAggregate[];
  readonly fileIdOf: (key: string) => string;
  readonly crossliftVersion: string;
}

/** The comparison window of a report: the configured baseline, else the previous period. */
export const comparisonWindow = (cooperation: Cooperation, period: Period) =>
  cooperation.baseline
    ? { kind: 'baseline' as const, from: cooperation.baseline.from, to: cooperation.baseline.to }
    : (() => {
        const previous = previousPeriod(period, cooperation.timezone);
        return { kind: 'previous_period' as const, from: previous.startDay, to: previous.endDay, label: previous.label };
      })();

/** Builds a report from stored aggregates: pure, so any past period can be recomputed exactly. */
export const buildReport = (inputs: ReportInputs): Report => {
  const { cooperation, period } = inputs;
  const active = activeGenerations(inputs.files, inputs.fileIdOf);
  const current = computeMetrics(sumAggregates(inputs.aggregates, active, period.startDay, period.endDay), cooperation);
  const window = comparisonWindow(cooperation, period);
  const base = computeMetrics(sumAggregates(inputs.aggregates, active, window.from, window.to), cooperation);
  const scale = (daysBetween(period.startDay, period.endDay) + 1) / (daysBetween(window.from, window.to) + 1);

  const periodTotals = sumAggregates(inputs.aggregates, active, period.startDay, period.endDay);
  const missingDeliveries = Object.entries(cooperation.expects ?? {}).flatMap(([dataset, partners]) =>
    (partners ?? [])
      .filter((p) => !periodTotals.get(dataset as DatasetName)?.partners.has(p))
      .map((partnerId) => ({ dataset: dataset as DatasetName, partnerId })),
  );
  const missingDatasets = new Set(missingDeliveries.map((m) => m.dataset));

  const metrics: Partial<Record<MetricName, ReportMetric>> = {};
  for (const name of METRIC_NAMES) {
    const value = current.values[name];
    if (!value) continue;
    const target = cooperation.targets[name];
    const incomplete = metricDefinition(name).datasets.filter((d) => missingDatasets.has(d));
    const verdict =
      incomplete.length > 0
        ? {
            status: 'insufficient_data' as const,
            note: `waiting for ${missingDeliveries
              .filter((m) => incomplete.includes(m.dataset))
              .map((m) => `${m.dataset} from ${m.partnerId}`)
              .join(', ')}`,
          }
        : judge(name, value, target);
    const baseValue = base.values[name];
    metrics[name] = {
      value: value.value,
      n: value.n,
      ...(value.ci ? { ci: value.ci } : {}),
      ...(target ? { target } : {}),
      status: verdict.status,
      ...(verdict.note ? { note: verdict.note } : {}),
      ...(baseValue ? { comparison: compare(name, value, baseValue, window.kind === 'baseline' ? scale : 1) } : {}),
    };
  }
  // A metric with a target and no data is insufficient_data, so it is never mistaken for a pass.
  const missing = { ...current.missing };
  for (const name of Object.keys(missing) as MetricName[]) {
    const target = cooperation.targets[name];
    if (!target) continue;
    // An expected delivery that has not arrived explains the gap better than "no data".
    const waiting = missingDeliveries.filter((m) => metricDefinition(name).datasets.includes(m.dataset));
    const note = waiting.length ? `waiting for ${waiting.map((m) => `${m.dataset} from ${m.partnerId}`).join(', ')}` : missing[name];
    metrics[name] = { value: null, n: 0, target, status: 'insufficient_data', note };
  }

  const counted = inputs.files.filter(isCounted);
  const touching = counted.filter((f) => f.days.some((d) => d >= period.startDay && d <= period.endDay));
  return {
    cooperationId: cooperation.id,
    cooperationName: cooperation.name,
    period: {
      label: period.label,
      start: period.start,
      end: period.end,
      startDay: period.startDay,
      endDay: period.endDay,
      schedule: period.schedule,
    },
    state: missingDeliveries.length > 0 ? 'provisional' : 'final',
    missingDeliveries,
    metrics,
    missing: current.missing,
    comparisonBasis:
      window.kind === 'baseline'
        ? { kind: 'baseline', from: window.from, to: window.to }
        : { kind: 'previous_period', label: window.label },
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
        }))
        .sort((a, b) => a.key.localeCompare(b.key)),
      metricsVersion: METRICS_VERSION,
      crossliftVersion: inputs.crossliftVersion,
    },
  };
};
