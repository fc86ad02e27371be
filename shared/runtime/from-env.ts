import type { Log } from '../logging';
import { createRuntime, type Runtime } from './runtime';
import { settingsFromEnv } from './settings';

/** The runtime of a deployed function: region from Lambda, everything else from validated variables. */
export const runtimeFromEnv = (log: Log, env: Record<string, string | undefined> = process.env): Runtime => {
  const settings = settingsFromEnv(env);
  return createRuntime(
    { aws: { region: settings.region }, tableName: settings.tableName, bucketName: settings.bucketName, config: settings.config },
    log,
  );
};
