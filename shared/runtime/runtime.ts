import { createAwsClients, type AwsClients, type AwsSettings } from '../aws/clients';
import type { Config } from '../config/schema';
import type { IngestDeps } from '../ingest/ingest-object';
import type { ReportJobDeps } from '../jobs/scheduled-report';
import type { Log } from '../logging';
import type { NotifyDeps } from '../mail/notify';
import type { TableRef } from '../storage/table';
import { CROSSLIFT_VERSION } from '../version';

/**
 * What each function's use case needs, built once per process (Lambda cold start or local
 * stack). Each function gets only what it uses: the report function has no bucket.
 */
export type IngestRuntime = IngestDeps & { readonly clients: AwsClients };
export type ReportRuntime = ReportJobDeps & { readonly clients: AwsClients };
export type NoticeRuntime = NotifyDeps & { readonly config: Config; readonly clients: AwsClients };

export interface RuntimeSettings {
  readonly aws: AwsSettings;
  readonly tableName: string;
  readonly config: Config;
}

const systemClock = () => new Date();

const createBase = (settings: RuntimeSettings, log: Log) => {
  const clients = createAwsClients(settings.aws);
  const table: TableRef = { db: clients.dynamodb, tableName: settings.tableName };
  return { clients, config: settings.config, table, ses: clients.ses, log, now: systemClock };
};

export const createReportRuntime = (settings: RuntimeSettings, log: Log): ReportRuntime => ({
  ...createBase(settings, log),
  crossliftVersion: CROSSLIFT_VERSION,
});

export const createNoticeRuntime = (settings: RuntimeSettings, log: Log): NoticeRuntime => createBase(settings, log);

export const createIngestRuntime = (settings: RuntimeSettings & { readonly bucketName: string }, log: Log): IngestRuntime => {
  const base = createBase(settings, log);
  return { ...base, bucket: { s3: base.clients.s3, bucket: settings.bucketName } };
};

/** The local stack runs every function in one process, on one set of clients. */
export type LocalRuntime = IngestRuntime & ReportRuntime;

export const createLocalRuntime = (settings: RuntimeSettings & { readonly bucketName: string }, log: Log): LocalRuntime => ({
  ...createIngestRuntime(settings, log),
  crossliftVersion: CROSSLIFT_VERSION,
});
