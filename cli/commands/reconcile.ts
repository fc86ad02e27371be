import type { ReconcileOutcome } from '../../shared/ingest/reconcile';
import { writeJson, writeResult } from '../output';
import { reconcileLocal } from '../run';
import { exitOnInterrupt, loadDataFolder, logLevel } from './local';

export interface ReconcileFlags {
  readonly data: string;
  readonly state: string;
  readonly allowMassRemoval?: boolean;
  readonly json?: boolean;
  readonly verbose?: boolean;
}

/** `crosslift reconcile`: the daily reconcile job against the state of earlier runs. */
export const reconcileCommand = async (flags: ReconcileFlags): Promise<number> => {
  loadDataFolder(flags.data);
  exitOnInterrupt();
  const { repaired, withheld } = await reconcileLocal({
    dataDir: flags.data,
    stateDir: flags.state,
    logLevel: logLevel(flags.verbose),
    allowMassRemoval: flags.allowMassRemoval,
  });
  const line = (r: ReconcileOutcome) =>
    `${r.action.padEnd(18)} ${r.key} -> ${r.status}${r.error ? ` (${r.error})` : ''}`;
  if (flags.json) writeJson(withheld ? { repaired, withheld } : { repaired });
  else {
    writeResult(
      repaired.length === 0 && !withheld
        ? 'Nothing to repair: every object in inbox/ has its ingestion record.\n'
        : repaired.length === 0
          ? ''
          : `${repaired.map(line).join('\n')}\n`,
    );
    if (withheld) {
      process.stderr.write(
        `crosslift reconcile: ${withheld.missing} of ${withheld.recorded} recorded files are missing from the bucket; ` +
          'their numbers were kept. If they were deleted on purpose, run again with --allow-mass-removal.\n',
      );
    }
  }
  // A repair that failed, or removals withheld, make the exit code 1.
  return withheld || repaired.some((r) => r.status === 'error') ? 1 : 0;
};
