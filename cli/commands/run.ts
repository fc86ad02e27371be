import { UsageError } from '../output';
import { runLocal } from '../run';
import { exitOnInterrupt, loadDataFolder, logLevel, printRunResult, runProgress } from './local';

export interface RunFlags {
  readonly data: string;
  readonly asOf?: string;
  readonly backfill?: boolean;
  readonly out?: string;
  readonly state?: string;
  readonly json?: boolean;
  readonly verbose?: boolean;
}

/** `crosslift run`: the whole pipeline on the embedded stack. Exit 1 when ingest events failed after retries. */
export const runCommand = async (flags: RunFlags): Promise<number> => {
  if (flags.asOf !== undefined && Number.isNaN(Date.parse(flags.asOf))) {
    throw new UsageError(
      `--as-of expects an ISO 8601 date or date-time such as 2026-11-23T06:00:00+08:00, not "${flags.asOf}"`,
    );
  }
  const config = loadDataFolder(flags.data);
  exitOnInterrupt();
  const progress = runProgress();
  try {
    const result = await runLocal({
      dataDir: flags.data,
      asOf: flags.asOf,
      backfill: flags.backfill,
      outDir: flags.out,
      stateDir: flags.state,
      logLevel: logLevel(flags.verbose),
      progress,
    });
    progress.done();
    printRunResult(result, flags.json, config);
    return result.deadLetters > 0 ? 1 : 0;
  } finally {
    progress.done();
  }
};
