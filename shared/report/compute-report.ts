import type { Cooperation } from '../config/schema';
import type { Log } from '../logging';
import {
  datasetFileRecords,
  fileIdOf,
  periodFileRecords,
  type DayRange,
  type FileRecord,
} from '../storage/file-ledger';
import { queryDayAggregates, querySeriesAggregates } from '../storage/day-aggregates';
import { seriesWindowStart } from './impact-section';
import { readReportState } from '../storage/reports';
import type { TableRef } from '../storage/table';
import { addDays } from '../time/days';
import type { Period } from '../time/periods';
import { buildReport, comparisonWindow } from './build-report';
import { saveReport, type SaveResult } from './store';

export interface ComputeReportDeps {
  readonly table: TableRef;
  readonly log: Log;
  readonly crossliftVersion: string;
  readonly now: () => Date;
}

export interface ComputedReport extends SaveResult {
  /** The file records the report was built from (the alerts read delivery presence from them). */
  readonly files: readonly FileRecord[];
}

/** The period and its comparison window as spans to read: one when they touch, else two. */
const spansOf = (period: Period, window: DayRange): DayRange[] => {
  const [a, b] =
    window.from <= period.startDay
      ? [window, { from: period.startDay, to: period.endDay }]
      : [{ from: period.startDay, to: period.endDay }, window];
  return addDays(a.to, 1) >= b.from ? [{ from: a.from, to: a.to > b.to ? a.to : b.to }] : [a, b];
};

/**
 * Computes one cooperation's report for one period from the stored aggregates and stores it as
 * a new revision when it changed. It reads the stored report, the file records of the period
 * and its comparison window (through the file index: their number grows with those days' files,
 * not with every file the cooperation ever had) and those days' aggregates.
 */
export const computeReport = async (
  deps: ComputeReportDeps,
  cooperation: Cooperation,
  period: Period,
  /** When the report is computed for (the schedule's time); decides which referral periods still mature. */
  asOf: string = deps.now().toISOString(),
): Promise<ComputedReport> => {
  const window = comparisonWindow(cooperation, period);
  // A configured baseline may lie long before the period: then two spans, not all days between.
  const spans = spansOf(period, window);
  // Read the stale counter first, then the file records, then the aggregates: an ingest that
  // commits meanwhile bumps the counter after its commit, so this report stays marked stale.
  const seen = await readReportState(deps.table, cooperation.id, period.label);
  const periodFiles = await periodFileRecords(
    deps.table,
    cooperation.id,
    { ranges: spans, startDay: period.startDay },
    deps.now,
  );
  const aggregates = (
    await Promise.all(spans.map((s) => queryDayAggregates(deps.table, cooperation.id, s.from, s.to)))
  ).flat();
  // The incremental effect fits on the business series' whole history: their files and days too.
  const seriesWindow = { from: seriesWindowStart(cooperation), to: period.endDay };
  const seriesFiles = cooperation.impact.length
    ? await datasetFileRecords(deps.table, cooperation.id, 'series', seriesWindow)
    : [];
  const seriesAggregates = cooperation.impact.length
    ? await querySeriesAggregates(deps.table, cooperation.id, seriesWindow.from, seriesWindow.to)
    : [];
  const files = [...new Map([...periodFiles, ...seriesFiles].map((f) => [f.key, f])).values()];
  const report = buildReport({
    cooperation,
    period,
    asOf,
    files,
    aggregates,
    seriesAggregates,
    fileIdOf,
    crossliftVersion: deps.crossliftVersion,
  });
  const saved = await saveReport(deps.table, report, deps.now(), seen);
  deps.log.info('report computed', {
    cooperationId: cooperation.id,
    period: period.label,
    revision: saved.stored.revision,
    change: saved.change,
  });
  return { ...saved, files };
};
