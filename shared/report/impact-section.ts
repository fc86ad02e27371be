import type { Cooperation } from '../config/schema';
import { seriesMeasure } from '../datasets/names';
import { estimateImpact, type DayValue, type ImpactResult } from '../impact';
import type { DayAggregate } from '../storage/day-aggregates';
import type { Period } from '../time/periods';

/** The chart in the email shows at most this many days of the counterfactual band (and the stored report keeps no more). */
export const IMPACT_CHART_DAYS = 56;

/** One configured incremental-effect estimate in a report. */
export interface ReportImpact extends Omit<ImpactResult, 'daily'> {
  /** `<partner>/<series>` of the outcome. */
  readonly outcome: string;
  readonly controls: readonly string[];
  /** The last IMPACT_CHART_DAYS days of actual against the counterfactual band. */
  readonly daily: ImpactResult['daily'];
}

const seriesKey = (ref: { partner: string; series: string }) => `${ref.partner}/${ref.series}`;

/** Daily values of every delivered series, by `<partner>/<series>`, from the counted generations. */
export const seriesByKey = (
  aggregates: readonly DayAggregate[],
  active: ReadonlyMap<string, string>,
): Map<string, DayValue[]> => {
  const byKey = new Map<string, Map<string, number>>();
  for (const a of aggregates) {
    if (a.dataset !== 'series' || active.get(a.fileId) !== a.generation) continue;
    for (const [measure, value] of Object.entries(a.m)) {
      if (!measure.startsWith(seriesMeasure(''))) continue;
      const key = `${a.partnerId}/${measure.slice(seriesMeasure('').length)}`;
      const days = byKey.get(key) ?? new Map<string, number>();
      // Two files delivering the same series and day add up, as every dataset's days do.
      days.set(a.day, (days.get(a.day) ?? 0) + value);
      byKey.set(key, days);
    }
  }
  return new Map([...byKey].map(([key, days]) => [key, [...days].map(([day, value]) => ({ day, value }))]));
};

/** The earliest day any configured estimate may fit on: its pre-period's start, else all history. */
export const seriesWindowStart = (cooperation: Cooperation): string =>
  cooperation.impact
    .map((i) => i.preperiod?.from ?? '0000-01-01')
    .reduce((earliest, from) => (from < earliest ? from : earliest), cooperation.starts);

/**
 * Every configured estimate for a report period: actual against the counterfactual for the
 * period and cumulated since `starts`, with 95% intervals, the pre-period fit and the placebo
 * check (shared/impact, docs/impact.md). Pure.
 */
export const impactSection = (
  cooperation: Cooperation,
  period: Pick<Period, 'startDay' | 'endDay'>,
  series: ReadonlyMap<string, readonly DayValue[]>,
): ReportImpact[] =>
  cooperation.impact.map((spec) => {
    const result = estimateImpact({
      outcome: series.get(seriesKey(spec.outcome)) ?? [],
      controls: spec.controls.map((c) => series.get(seriesKey(c)) ?? []),
      start: cooperation.starts,
      ...(spec.preperiod ? { preperiod: spec.preperiod } : {}),
      asOf: period.endDay,
      period: { startDay: period.startDay, endDay: period.endDay },
    });
    return {
      ...result,
      outcome: seriesKey(spec.outcome),
      controls: spec.controls.map(seriesKey),
      daily: result.daily.slice(-IMPACT_CHART_DAYS),
    };
  });
