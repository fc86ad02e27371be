import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAwsClients, type AwsClients, type AwsSettings } from '../aws/clients';
import type { Config } from '../config/schema';
import type { IngestDeps } from '../ingest/ingest-object';
import type { ReportJobDeps } from '../jobs/scheduled-report';
import type { Log } from '../logging';
import type { NotifyDeps } from '../mail/notify';
import { CROSSLIFT_VERSION } from '../version';
import { assembleIngestRuntime } from './assemble';

/**
 * What each function's use case needs, built once per process (Lambda cold start or local
 * stack). Each function gets only what it uses: the report function has no bucket and no S3
 * client. The deployed functions build theirs in ./from-env.ts, loading each SDK package on
 * first use; this module is the embedded local stack's, with the SDK imported statically
 * (handlers import only its types, so no Lambda bundle loads the SDK through it).
 */
type Clients<K extends keyof Omit<AwsClients, 'destroy'>> = Pick<AwsClients, K> & { destroy(): void };
export type IngestRuntime = IngestDeps & { readonly clients: Clients<'s3' | 'dynamodb' | 'ses'> };
export type ReportRuntime = ReportJobDeps & { readonly clients: Clients<'dynamodb' | 'ses'> };
export type NoticeRuntime = NotifyDeps & { readonly config: Config; readonly clients: Clients<'dynamodb' | 'ses'> };

export interface RuntimeSettings {
  readonly aws: AwsSettings;
  readonly tableName: string;
  readonly config: Config;
}

/** The local stack runs every function in one process, on one set of clients. */
export type LocalRuntime = IngestRuntime & ReportRuntime & { readonly clients: AwsClients };

const SDK = { S3Client, DynamoDBClient, DynamoDBDocumentClient, SESv2Client };

export const createLocalRuntime = (
  settings: RuntimeSettings & { readonly bucketName: string },
  log: Log,
): LocalRuntime => {
  const clients = createAwsClients(settings.aws, SDK);
  return { ...assembleIngestRuntime(clients, settings, log), clients, crossliftVersion: CROSSLIFT_VERSION };
};
