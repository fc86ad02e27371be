import { periodRange } from '../../shared/time/periods';
import { UsageError } from '../output';
import { runLocal } from '../run';
import { cooperationOf, exitOnInterrupt, loadDataFolder, logLevel, printRunResult, runProgress } from './local';

export interface ReportFlags {
  readonly data: string;
  readonly cooperation: string;
  readonly period?: string;
  readonly from?: string;
  readonly to?: string;
  readonly state?: string;
  readonly out?: string;
  readonly json?: boolean;
  readonly verbose?: boolean;
}

/** `crosslift report`: recompute and store the reports of past periods of one cooperation. */
export const reportCommand = async (flags: ReportFlags): Promise<number> => {
  const config = loadDataFolder(flags.data);
  const cooperation = cooperationOf(config, flags.cooperation);
  if (flags.period !== undefined && (flags.from !== undefined || flags.to !== undefined)) {
    throw new UsageError('give either --period LABEL, or --from LABEL and --to LABEL');
  }
  const from = flags.period ?? flags.from;
  const to = flags.period ?? flags.to;
  if (!from || !to) throw new UsageError('report needs --period LABEL, or --from LABEL and --to LABEL');
  const periods = periodRange(from, to, cooperation.timezone);
  if (periods.length === 0 || periods.some((p) => p.schedule !== cooperation.schedule)) {
    throw new UsageError(
      `${cooperation.id} is reported ${cooperation.schedule}: expected ${cooperation.schedule === 'weekly' ? 'ISO week labels like 2026-W46' : 'month labels like 2026-11'}, from <= to`,
    );
  }
  exitOnInterrupt();
  const progress = runProgress();
  try {
    const result = await runLocal({
      dataDir: flags.data,
      stateDir: flags.state,
      outDir: flags.out,
      logLevel: logLevel(flags.verbose),
      recompute: { cooperationId: cooperation.id, periods },
      progress,
    });
    progress.done();
    printRunResult(result, flags.json, config);
    return 0;
  } finally {
    progress.done();
  }
};
