import { Aws, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { BlockPublicAccess, Bucket, BucketEncryption, EventType, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Construct } from 'constructs';
import { INBOX_PREFIX, REJECTED_PREFIX } from '../../shared/ingest/keys';

/**
 * A drop bucket name that is known before the bucket exists: `crosslift-<partner>-<the last 12
 * hex digits of the stack id>`. Unique (the stack id is), at most 63 characters (partner ids
 * have at most 40 of a-z, 0-9 and -), and new with every new stack, like a generated name.
 * The key policy names the bucket by it: with a name CloudFormation generates, the key policy
 * would reference the bucket, which references the key, and CloudFormation refuses the cycle.
 */
export const dropBucketName = (partnerId: string): string =>
  `crosslift-${partnerId}-${Fn.select(4, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID))))}`;

export interface DropBucketProps {
  /** Customer-managed key for default encryption (the stack key). */
  readonly key: IKey;
  /** Receives object-created and object-removed events for keys under `inbox/`. */
  readonly ingestFunction: IFunction;
  /**
   * The bucket's name, e.g. {@link dropBucketName}: a name that does not reference the bucket
   * lets a key policy name it.
   * @default - CloudFormation generates a name
   */
  readonly bucketName?: string;
  /**
   * How long rejection reports under `reports/rejected/` are kept.
   * @default Duration.days(90)
   */
  readonly rejectedReportRetention?: Duration;
  /**
   * How long overwritten or deleted object versions are kept. Ingest pins the version an event
   * names, so versions must outlive the longest event retry (6 hours).
   * @default Duration.days(30)
   */
  readonly noncurrentVersionRetention?: Duration;
  /**
   * How long server access logs are kept.
   * @default Duration.days(365)
   */
  readonly accessLogRetention?: Duration;
  /**
   * What CloudFormation does with the buckets when the stack is deleted.
   * @default RemovalPolicy.RETAIN (the drops are the partners' source data)
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The bucket partners drop files into (`inbox/<cooperation>/<partner>/<dataset>/<file>`) and the
 * ingest writes rejection reports to (`reports/rejected/<key>.errors.json`). Private, TLS only,
 * SSE-KMS with the stack key, versioned, with server access logs in a second bucket.
 */
export class DropBucket extends Construct {
  /** The drop bucket. */
  readonly bucket: Bucket;
  /** Receives the drop bucket's server access logs. */
  readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string, props: DropBucketProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    // Log delivery by bucket policy, not ACL (the buckets enforce bucket-owner ownership, which
    // disables ACLs), whatever the app's feature flags say.
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);

    this.accessLogs = new Bucket(this, 'AccessLogs', {
      // S3 server access logging can only deliver to SSE-S3 buckets.
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: props.accessLogRetention ?? Duration.days(365) }],
      removalPolicy,
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the access log bucket itself; logging it into itself would loop and another bucket would only move the question.',
    });

    this.bucket = new Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      encryption: BucketEncryption.KMS,
      encryptionKey: props.key,
      // One data key per bucket instead of one KMS call per object.
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      // Partners upload from their own accounts: the owner must own every object.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'drop-bucket/',
      lifecycleRules: [
        {
          id: 'expire-rejection-reports',
          prefix: REJECTED_PREFIX,
          expiration: props.rejectedReportRetention ?? Duration.days(90),
        },
        {
          id: 'expire-old-versions',
          noncurrentVersionExpiration: props.noncurrentVersionRetention ?? Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      removalPolicy,
    });

    this.denyUploadsNotUnderStackKey(props.key);

    const destination = new LambdaDestination(props.ingestFunction);
    this.bucket.addEventNotification(EventType.OBJECT_CREATED, destination, { prefix: INBOX_PREFIX });
    this.bucket.addEventNotification(EventType.OBJECT_REMOVED, destination, { prefix: INBOX_PREFIX });
    this.acknowledgeNotificationsHandler();
  }

  /**
   * Every object must be encrypted with the stack key: the ingest can read nothing else, and an
   * object under another KMS key or a customer-provided key (SSE-C) would fail its ingest for
   * good. An upload without encryption headers gets the bucket default, SSE-KMS with the stack
   * key, so a missing header is allowed (partners upload with a plain `aws s3 cp`). Denied, for
   * every principal including the owner's: asking for any other encryption (SSE-S3, DSSE-KMS),
   * naming any other KMS key (the header must then carry the stack key's ARN), and SSE-C.
   * CreateMultipartUpload and CopyObject are authorized as s3:PutObject, so they are covered too.
   */
  private denyUploadsNotUnderStackKey(key: IKey) {
    const deny = (sid: string, conditions: Record<string, Record<string, unknown>>) =>
      this.bucket.addToResourcePolicy(
        new PolicyStatement({
          sid,
          effect: Effect.DENY,
          principals: [new AnyPrincipal()],
          actions: ['s3:PutObject'],
          resources: [this.bucket.arnForObjects('*')],
          conditions,
        }),
      );
    // A Null condition of "false" means "the header is present": StringNotEquals alone would also
    // match requests without the header, which are encrypted with the stack key by default.
    const ENCRYPTION = 's3:x-amz-server-side-encryption';
    const KEY_ID = 's3:x-amz-server-side-encryption-aws-kms-key-id';
    deny('DenyUploadsWithOtherEncryption', {
      StringNotEquals: { [ENCRYPTION]: 'aws:kms' },
      Null: { [ENCRYPTION]: 'false' },
    });
    deny('DenyUploadsWithOtherKey', { StringNotEquals: { [KEY_ID]: key.keyArn }, Null: { [KEY_ID]: 'false' } });
    deny('DenyUploadsWithCustomerKeys', { Null: { 's3:x-amz-server-side-encryption-customer-algorithm': 'false' } });
  }

  /**
   * CDK configures bucket notifications through one stack-level custom resource function; its
   * role (with the managed basic execution policy) is CDK-owned code that runs only at deploy time.
   */
  private acknowledgeNotificationsHandler() {
    const handler = Stack.of(this).node.children.find((c) => c.node.id.startsWith('BucketNotificationsHandler'));
    if (!handler) return;
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        'CDK-owned custom resource handler that writes the bucket notification configuration during deployment; its own policy is limited to s3:PutBucketNotification on this bucket.',
    });
  }
}
