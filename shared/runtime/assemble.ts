import type { AwsClients } from '../aws/clients';
import type { Config } from '../config/schema';
import type { Log } from '../logging';
import type { TableRef } from '../storage/table';
import { CROSSLIFT_VERSION } from '../version';
import type { IngestRuntime, NoticeRuntime, ReportRuntime } from './runtime';

/**
 * How a runtime is put together from its clients: shared by the deployed functions (clients
 * loaded on first use, ./from-env.ts) and the embedded local stack (./runtime.ts). No SDK
 * import here, so a Lambda bundle can use it without loading a client package.
 */

export interface RuntimeParts {
  readonly tableName: string;
  readonly config: Config;
}

const systemClock = () => new Date();

const base = <C extends Pick<AwsClients, 'dynamodb' | 'ses'> & { destroy(): void }>(
  clients: C,
  parts: RuntimeParts,
  log: Log,
) => {
  const table: TableRef = { db: clients.dynamodb, tableName: parts.tableName };
  return { clients, config: parts.config, table, ses: clients.ses, log, now: systemClock };
};

export const assembleReportRuntime = (
  clients: ReportRuntime['clients'],
  parts: RuntimeParts,
  log: Log,
): ReportRuntime => ({
  ...base(clients, parts, log),
  crossliftVersion: CROSSLIFT_VERSION,
});

export const assembleNoticeRuntime = (
  clients: NoticeRuntime['clients'],
  parts: RuntimeParts,
  log: Log,
): NoticeRuntime => base(clients, parts, log);

export const assembleIngestRuntime = (
  clients: IngestRuntime['clients'],
  parts: RuntimeParts & { readonly bucketName: string },
  log: Log,
): IngestRuntime => ({ ...base(clients, parts, log), bucket: { s3: clients.s3, bucket: parts.bucketName } });
