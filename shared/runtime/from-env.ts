import { loadAwsClients } from '../aws/clients';
import type { Log } from '../logging';
import { assembleIngestRuntime, assembleNoticeRuntime, assembleReportRuntime } from './assemble';
import type { IngestRuntime, NoticeRuntime, ReportRuntime } from './runtime';
import { settingsFromEnv } from './settings';

// The runtimes of deployed functions: region from Lambda, everything else from validated
// variables. Built at the first invocation (the handlers call these lazily), each loading only
// the SDK packages its function uses, so importing a handler loads none (see ../aws/sdk.ts).

export const ingestRuntimeFromEnv = async (
  log: Log,
  env: Record<string, string | undefined> = process.env,
): Promise<IngestRuntime> => {
  const s = settingsFromEnv(env, { bucket: true });
  // SES only sends rejection emails: its package loads when the first one goes out.
  const clients = await loadAwsClients({ region: s.region }, ['s3', 'dynamodb'], ['ses']);
  return assembleIngestRuntime(clients, s, log);
};

export const reportRuntimeFromEnv = async (
  log: Log,
  env: Record<string, string | undefined> = process.env,
): Promise<ReportRuntime> => {
  const s = settingsFromEnv(env);
  return assembleReportRuntime(await loadAwsClients({ region: s.region }, ['dynamodb', 'ses']), s, log);
};

export const noticeRuntimeFromEnv = async (
  log: Log,
  env: Record<string, string | undefined> = process.env,
): Promise<NoticeRuntime> => {
  const s = settingsFromEnv(env);
  return assembleNoticeRuntime(await loadAwsClients({ region: s.region }, ['dynamodb', 'ses']), s, log);
};
