import { impactLine } from '../../shared/report/render-impact';
import { lastCompletePeriod, periodOfLabel } from '../../shared/time/periods';
import { UsageError, writeJson, writeResult } from '../output';
import { runLocal } from '../run';
import { cooperationOf, exitOnInterrupt, loadDataFolder, logLevel, runProgress } from './local';

export interface ImpactFlags {
  readonly data: string;
  readonly cooperation: string;
  readonly period?: string;
  readonly asOf?: string;
  readonly json?: boolean;
  readonly verbose?: boolean;
}

/**
 * `crosslift impact`: what the cooperation caused, for one period. Runs the pipeline locally on
 * the data folder (the same ingest and report as `report`), then prints the report's incremental
 * effect estimates (docs/impact.md).
 */
export const impactCommand = async (flags: ImpactFlags): Promise<number> => {
  const config = loadDataFolder(flags.data);
  const cooperation = cooperationOf(config, flags.cooperation);
  if (cooperation.impact.length === 0) {
    throw new UsageError(
      `${cooperation.id} configures no impact estimate: add impact: [{ outcome: { partner, series } }] (docs/impact.md)`,
    );
  }
  if (flags.period !== undefined && flags.asOf !== undefined)
    throw new UsageError('give either --period LABEL or --as-of ISO');
  const asOf = flags.asOf === undefined ? new Date() : new Date(flags.asOf);
  if (Number.isNaN(asOf.getTime()))
    throw new UsageError(`--as-of: expected an ISO date-time such as 2026-11-23T06:00:00+08:00`);
  const period = flags.period
    ? periodOfLabel(flags.period, cooperation.timezone)
    : lastCompletePeriod(asOf, cooperation.schedule, cooperation.timezone);
  if (!period || period.schedule !== cooperation.schedule) {
    throw new UsageError(
      `${cooperation.id} is reported ${cooperation.schedule}: expected ${cooperation.schedule === 'weekly' ? 'an ISO week label like 2026-W46' : 'a month label like 2026-11'}`,
    );
  }
  exitOnInterrupt();
  const progress = runProgress();
  try {
    const result = await runLocal({
      dataDir: flags.data,
      logLevel: logLevel(flags.verbose),
      recompute: { cooperationId: cooperation.id, periods: [period] },
      progress,
    });
    progress.done();
    const report = result.reports.find((r) => r.cooperationId === cooperation.id);
    const impact = report?.impact ?? [];
    if (flags.json) {
      writeJson({
        cooperationId: cooperation.id,
        period: { label: period.label, startDay: period.startDay, endDay: period.endDay },
        impact,
      });
    } else {
      writeResult(
        [
          `${cooperation.name} (${cooperation.id}) ${period.label}`,
          ...impact.map((i) => `  ${impactLine(i, 'en')}`),
          '',
        ].join('\n'),
      );
    }
    return 0;
  } finally {
    progress.done();
  }
};
