import type { Cooperation } from '../config/schema';
import type { Log } from '../logging';
import { listFileRecords, fileIdOf, type FileRecord } from '../storage/file-ledger';
import { queryDayAggregates, querySeriesAggregates } from '../storage/day-aggregates';
import { seriesWindowStart } from './impact-section';
import { readReportState } from '../storage/reports';
import type { TableRef } from '../storage/table';
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

/**
 * Computes one cooperation's report for one period from the stored aggregates (a constant
 * number of queries: the stored report, file records, day aggregates) and stores it as a new
 * revision when it changed.
 */
export const computeReport = async (
  deps: ComputeReportDeps,
  cooperation: Cooperation,
  period: Period,
  /** When the report is computed for (the schedule's time); decides which referral periods still mature. */
  asOf: string = deps.now().toISOString(),
): Promise<ComputedReport> => {
  const window = comparisonWindow(cooperation, period);
  const from = window.from < period.startDay ? window.from : period.startDay;
  const to = window.to > period.endDay ? window.to : period.endDay;
  // Read the stale counter first, then the file records, then the aggregates: an ingest that
  // commits meanwhile bumps the counter after its commit, so this report stays marked stale.
  const seen = await readReportState(deps.table, cooperation.id, period.label);
  const files = await listFileRecords(deps.table, cooperation.id);
  const aggregates = await queryDayAggregates(deps.table, cooperation.id, from, to);
  const seriesAggregates = cooperation.impact.length
    ? await querySeriesAggregates(deps.table, cooperation.id, seriesWindowStart(cooperation), period.endDay)
    : [];
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
