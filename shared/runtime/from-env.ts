import type { Log } from '../logging';
import { createIngestRuntime, createNoticeRuntime, createReportRuntime } from './runtime';
import { settingsFromEnv } from './settings';

// The runtimes of deployed functions: region from Lambda, everything else from validated variables.

export const ingestRuntimeFromEnv = (log: Log, env: Record<string, string | undefined> = process.env) => {
  const s = settingsFromEnv(env, { bucket: true });
  return createIngestRuntime({ aws: { region: s.region }, tableName: s.tableName, bucketName: s.bucketName, config: s.config }, log);
};

export const reportRuntimeFromEnv = (log: Log, env: Record<string, string | undefined> = process.env) => {
  const s = settingsFromEnv(env);
  return createReportRuntime({ aws: { region: s.region }, tableName: s.tableName, config: s.config }, log);
};

export const noticeRuntimeFromEnv = (log: Log, env: Record<string, string | undefined> = process.env) => {
  const s = settingsFromEnv(env);
  return createNoticeRuntime({ aws: { region: s.region }, tableName: s.tableName, config: s.config }, log);
};
