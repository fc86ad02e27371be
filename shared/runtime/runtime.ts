import { createAwsClients, type AwsClients, type AwsSettings } from '../aws/clients';
import type { Config } from '../config/schema';
import type { IngestDeps } from '../ingest/ingest-object';
import type { Log } from '../logging';
import type { ReportDeps } from '../report/compute-report';
import type { BucketRef } from '../storage/objects';
import type { TableRef } from '../storage/table';
import { CROSSLIFT_VERSION } from '../version';

/** What the use cases need, built once per process (Lambda cold start or local stack). */
export interface Runtime extends IngestDeps, ReportDeps {
  readonly clients: AwsClients;
}

export interface RuntimeSettings {
  readonly aws: AwsSettings;
  readonly tableName: string;
  readonly bucketName: string;
  readonly config: Config;
}

export const createRuntime = (settings: RuntimeSettings, log: Log): Runtime => {
  const clients = createAwsClients(settings.aws);
  const table: TableRef = { db: clients.dynamodb, tableName: settings.tableName };
  const bucket: BucketRef = { s3: clients.s3, bucket: settings.bucketName };
  return { clients, config: settings.config, table, bucket, ses: clients.ses, log, crossliftVersion: CROSSLIFT_VERSION };
};
