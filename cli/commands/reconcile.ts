import { writeJson, writeResult } from '../output';
import { reconcileLocal } from '../run';
import { exitOnInterrupt, loadDataFolder, logLevel } from './local';

export interface ReconcileFlags {
  readonly data: string;
  readonly state: string;
  readonly json?: boolean;
  readonly verbose?: boolean;
}

/** `crosslift reconcile`: the daily reconcile job against the state of earlier runs. */
export const reconcileCommand = async (flags: ReconcileFlags): Promise<number> => {
  loadDataFolder(flags.data);
  exitOnInterrupt();
  const repaired = await reconcileLocal({
    dataDir: flags.data,
    stateDir: flags.state,
    logLevel: logLevel(flags.verbose),
  });
  const line = (r: (typeof repaired)[number]) =>
    `${r.action.padEnd(18)} ${r.key} -> ${r.status}${r.error ? ` (${r.error})` : ''}`;
  if (flags.json) writeJson({ repaired });
  else {
    writeResult(
      repaired.length === 0
        ? 'Nothing to repair: every object in inbox/ has its ingestion record.\n'
        : `${repaired.map(line).join('\n')}\n`,
    );
  }
  // A repair that failed is listed with the others; the exit code says that one did.
  return repaired.some((r) => r.status === 'error') ? 1 : 0;
};
