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

/**
 * Lambda reserved concurrency per function: a function always gets its reservation, whatever
 * else runs in the account, and never runs more at once. Reserving for the report function keeps
 * a burst of ingests (1,769 MB, up to 15 minutes each) from throttling scheduled reports;
 * capping ingest and reconcile keeps them from taking the account's concurrency.
 */
export interface ReservedConcurrency {
  /** Reserved for the report function: this many reports run at once, whatever else runs. @default 2 */
  readonly report?: number;
  /**
   * The most ingests that run at once (reserved for them too). Events beyond it are throttled:
   * they wait in Lambda's asynchronous queue and are retried for up to 6 hours, and the ingest
   * throttles alarm fires.
   * @default 10
   */
  readonly ingest?: number;
  /** The most reconcile runs at once (reserved for it too). It runs daily. @default 1 */
  readonly reconcile?: number;
}

/** The reservations a stack makes unless told otherwise: 13 of the account's concurrency. */
export const DEFAULT_RESERVED_CONCURRENCY: Required<ReservedConcurrency> = { report: 2, ingest: 10, reconcile: 1 };

export interface PartnerStackProps extends StackProps {
  /** The validated config (all partners); the stack takes the part the owner needs. */
  readonly config: Config;
  /** The partner whose cooperations this stack hosts; it must own at least one. */
  readonly partnerId: string;
  /**
   * Reserved concurrency of the report, ingest and reconcile functions (each number overrides its
   * default), or `false` to reserve none. Lambda keeps 100 of an account's concurrency unreserved:
   * where the account limit is too low for that (new accounts may start at 10), the deployment
   * fails until the limit is raised or the reservations are turned off.
   * @default DEFAULT_RESERVED_CONCURRENCY
   */
  readonly reservedConcurrency?: ReservedConcurrency | false;
}

/** The stack name of a partner's deployment. */
export const partnerStackName = (partnerId: string) => `Crosslift-${partnerId}`;

const stackPropsOf = ({
  config: _config,
  partnerId,
  reservedConcurrency: _reservedConcurrency,
  ...stackProps
}: PartnerStackProps): StackProps => ({
  description: `crosslift: data drops, aggregates and effect reports of ${partnerId}'s cooperations`,
  ...stackProps,
});

/** The reservations with defaults filled in, or none; a number that Lambda would refuse fails synthesis. */
const reservationsOf = (reserved: ReservedConcurrency | false | undefined): Partial<Required<ReservedConcurrency>> => {
  if (reserved === false) return {};
  const merged = { ...DEFAULT_RESERVED_CONCURRENCY, ...reserved };
  for (const [name, value] of Object.entries(merged)) {
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`reserved concurrency of ${name} must be a whole number of at least 1, got ${String(value)}`);
    }
  }
  return merged;
};

/**
 * Everything one owning partner runs: a drop bucket, the aggregates table, the ingest, report,
 * reconcile and failure-notice functions, the schedules, failure handling and cross-account
 * access for partners.
 */
export class PartnerStack extends Stack {
  /** Encrypts the bucket, table, failure and dead-letter queues and alarm topic (retained with the data it protects). */
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
  /** One report schedule per owned cooperation, the daily reconcile, and their dead-letter queue. */
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
    const reserved = reservationsOf(props.reservedConcurrency);
    const owner = config.partners.find((p) => p.id === props.partnerId)!;
    Tags.of(this).add('crosslift:partner', props.partnerId);

    this.key = new Key(this, 'Key', {
      description: `crosslift ${props.partnerId}: drop bucket, table, failure and dead-letter queues, alarm topic`,
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
      reservedConcurrentExecutions: reserved.ingest,
    });
    this.report = new CrossliftFunction(this, 'Report', {
      entry: join(REPO_ROOT, 'functions/report/handler.ts'),
      description: 'Scheduled effect report of one cooperation: compute, store, email',
      memorySize: 512,
      timeout: Duration.minutes(5),
      configJson,
      reservedConcurrentExecutions: reserved.report,
    });

    this.reconcile = new CrossliftFunction(this, 'Reconcile', {
      entry: join(REPO_ROOT, 'functions/reconcile/handler.ts'),
      description: 'Daily: compare inbox/ with the ingestion records and ingest or remove what events missed',
      // It may ingest the files a lost event left out: the same needs as the ingest.
      memorySize: 1769,
      timeout: Duration.minutes(15),
      configJson,
      reservedConcurrentExecutions: reserved.reconcile,
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

    this.alarmTopic = new AlarmTopic(this, 'Alarms', {
      displayName: `crosslift ${props.partnerId} alarms`,
      key: this.key,
    });
    const alarmAction = new SnsAction(this.alarmTopic);

    this.schedules = new ReportSchedules(this, 'Schedules', {
      cooperations: config.cooperations,
      reportFunction: this.report,
      reconcileFunction: this.reconcile,
      key: this.key,
      alarmAction,
    });

    this.failures = new AsyncFailureHandling(this, 'Failures', {
      functions: [
        { name: 'Ingest', fn: this.ingest },
        { name: 'Report', fn: this.report, failureConsumer: this.failureNotice },
        { name: 'Reconcile', fn: this.reconcile },
      ],
      key: this.key,
      alarmAction,
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
      description: 'Partners uploading from their own accounts need kms:GenerateDataKey and kms:Decrypt on this key',
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
    new CfnOutput(this, 'ScheduleDeadLetterQueueUrl', {
      description: 'Report and reconcile invocations EventBridge Scheduler could not make after its retries',
      value: this.schedules.deadLetterQueue.queueUrl,
    });
  }
}
