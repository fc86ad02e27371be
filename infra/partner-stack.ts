import { join } from 'node:path';
import { CfnOutput, Duration, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { Config } from '../shared/config/schema';
import { AlarmTopic } from './constructs/alarm-topic';
import { AsyncFailureHandling } from './constructs/async-failure-handling';
import {
  CrossliftFunction,
  FAILURE_NOTICE_TABLE_ACCESS,
  INGEST_TABLE_ACCESS,
  REPO_ROOT,
  REPORT_TABLE_ACCESS,
} from './constructs/crosslift-function';
import { CrossliftTable } from './constructs/crosslift-table';
import { DropBucket, dropBucketName } from './constructs/drop-bucket';
import { PartnerAccess } from './constructs/partner-access';
import { ReportSchedules } from './constructs/report-schedules';
import { configEnvFor, trimConfigFor } from './partner-config';

export interface PartnerStackProps extends StackProps {
  /** The validated config (all partners); the stack takes the part the owner needs. */
  readonly config: Config;
  /** The partner whose cooperations this stack hosts; it must own at least one. */
  readonly partnerId: string;
}

/** The stack name of a partner's deployment. */
export const partnerStackName = (partnerId: string) => `Crosslift-${partnerId}`;

const stackPropsOf = ({ config: _config, partnerId, ...stackProps }: PartnerStackProps): StackProps => ({
  description: `crosslift: data drops, aggregates and effect reports of ${partnerId}'s cooperations`,
  ...stackProps,
});

/**
 * Everything one owning partner runs: a drop bucket, the aggregates table, the ingest, report,
 * reconcile and failure-notice functions, the schedules, failure handling and cross-account
 * access for partners.
 */
export class PartnerStack extends Stack {
  /** Encrypts the bucket, table, failure queues and alarm topic (retained with the data it protects). */
  readonly key: Key;
  /** Where partners drop files and rejection reports appear. */
  readonly bucket: DropBucket;
  /** Ingestion records, day aggregates, reports and send records. */
  readonly table: CrossliftTable;
  /** Handles S3 events under inbox/. */
  readonly ingest: CrossliftFunction;
  /** Computes and emails scheduled reports. */
  readonly report: CrossliftFunction;
  /** Daily: ingests what lost S3 events missed, removes what was deleted without an event. */
  readonly reconcile: CrossliftFunction;
  /** Emails the owner once when a report job failed after its retries (reads the report failure queue). */
  readonly failureNotice: CrossliftFunction;
  /** One report schedule per owned cooperation. */
  readonly schedules: ReportSchedules;
  /** Retries, failure queues and alarms of both functions. */
  readonly failures: AsyncFailureHandling;
  /** Cross-account upload and rejection-report access for partners with an AWS account. */
  readonly partnerAccess: PartnerAccess;
  /** Where the alarms publish; subscribe operators to it. */
  readonly alarmTopic: AlarmTopic;

  constructor(scope: Construct, id: string, props: PartnerStackProps) {
    super(scope, id, stackPropsOf(props));
    const config = trimConfigFor(props.config, props.partnerId);
    const configJson = configEnvFor(props.config, props.partnerId);
    const owner = config.partners.find((p) => p.id === props.partnerId)!;
    Tags.of(this).add('crosslift:partner', props.partnerId);

    this.key = new Key(this, 'Key', {
      description: `crosslift ${props.partnerId}: drop bucket, table, failure queues and alarm topic`,
      enableKeyRotation: true,
    });

    this.table = new CrossliftTable(this, 'Aggregates', { key: this.key });

    this.ingest = new CrossliftFunction(this, 'Ingest', {
      entry: join(REPO_ROOT, 'functions/ingest/handler.ts'),
      description: 'S3 inbox/ events -> validated day aggregates (exactly once); rejection reports and emails',
      // 1769 MB is one full vCPU: parsing and hashing large drops is CPU-bound.
      memorySize: 1769,
      // Files may expand to ingest.maxUncompressedBytes (2 GiB by default): allow Lambda's maximum.
      timeout: Duration.minutes(15),
      configJson,
    });
    this.report = new CrossliftFunction(this, 'Report', {
      entry: join(REPO_ROOT, 'functions/report/handler.ts'),
      description: 'Scheduled effect report of one cooperation: compute, store, email',
      memorySize: 512,
      timeout: Duration.minutes(5),
      configJson,
    });

    this.reconcile = new CrossliftFunction(this, 'Reconcile', {
      entry: join(REPO_ROOT, 'functions/reconcile/handler.ts'),
      description: 'Daily: compare inbox/ with the ingestion records and ingest or remove what events missed',
      // It may ingest the files a lost event left out: the same needs as the ingest.
      memorySize: 1769,
      timeout: Duration.minutes(15),
      configJson,
    });
    this.failureNotice = new CrossliftFunction(this, 'FailureNotice', {
      entry: join(REPO_ROOT, 'functions/failure-notice/handler.ts'),
      description: 'Report failure records -> one failure email to the owner',
      memorySize: 512,
      timeout: Duration.minutes(1),
      configJson,
    });

    const bucketName = dropBucketName(props.partnerId);
    this.bucket = new DropBucket(this, 'Drop', { key: this.key, ingestFunction: this.ingest, bucketName });

    const table = this.table.table;
    this.ingest.useTable(table, INGEST_TABLE_ACCESS).useBucket(this.bucket.bucket).useSender(owner.sender!);
    this.reconcile.useTable(table, INGEST_TABLE_ACCESS).useBucket(this.bucket.bucket).useSender(owner.sender!);
    // These never touch S3; the settings still require the bucket name.
    const noObjects = { read: [], write: [] };
    this.report.useTable(table, REPORT_TABLE_ACCESS).useBucket(this.bucket.bucket, noObjects).useSender(owner.sender!);
    this.failureNotice
      .useTable(table, FAILURE_NOTICE_TABLE_ACCESS)
      .useBucket(this.bucket.bucket, noObjects)
      .useSender(owner.sender!);

    this.schedules = new ReportSchedules(this, 'Schedules', {
      cooperations: config.cooperations,
      reportFunction: this.report,
      reconcileFunction: this.reconcile,
    });

    this.alarmTopic = new AlarmTopic(this, 'Alarms', { displayName: `crosslift ${props.partnerId} alarms`, key: this.key });

    this.failures = new AsyncFailureHandling(this, 'Failures', {
      functions: [
        { name: 'Ingest', fn: this.ingest },
        { name: 'Report', fn: this.report, failureConsumer: this.failureNotice },
        { name: 'Reconcile', fn: this.reconcile },
      ],
      key: this.key,
      alarmAction: new SnsAction(this.alarmTopic),
    });

    this.partnerAccess = new PartnerAccess(this, 'PartnerAccess', {
      bucket: this.bucket.bucket,
      key: this.key,
      bucketArnByName: this.formatArn({ service: 's3', region: '', account: '', resource: bucketName }),
      ownerId: props.partnerId,
      cooperations: config.cooperations,
      partners: config.partners,
    });

    new CfnOutput(this, 'BucketName', {
      description: 'Partners upload to s3://<this>/inbox/<cooperation>/<partner>/<dataset>/<file>',
      value: this.bucket.bucket.bucketName,
    });
    new CfnOutput(this, 'KeyArn', {
      description: 'Partners uploading from their own accounts need kms:GenerateDataKey on this key',
      value: this.key.keyArn,
    });
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName });
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'Subscribe operators here to hear about failed ingests and reports',
      value: this.alarmTopic.topicArn,
    });
    for (const [name, queue] of this.failures.queues) {
      new CfnOutput(this, `${name}FailureQueueUrl`, {
        description: `${name} events that failed after all retries`,
        value: queue.queueUrl,
      });
    }
  }
}
