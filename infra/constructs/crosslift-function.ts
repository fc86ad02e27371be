import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Charset, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { CfnBucket, IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct, IConstruct } from 'constructs';
import { INBOX_PREFIX, REJECTED_PREFIX } from '../../shared/ingest/keys';

/** The repository root: where package-lock.json and the handler sources are. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * ESM output still bundles CommonJS dependencies (stream-json, luxon...) whose `require('stream')`
 * esbuild turns into a runtime require; ESM has no `require`, so the bundle defines one.
 */
const CREATE_REQUIRE_BANNER =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

export interface CrossliftFunctionProps {
  /** Path of the handler module; it must export `handler`. */
  readonly entry: string;
  /** Shown in the Lambda console. */
  readonly description: string;
  /** Memory in MB, always explicit: CPU scales with it, and the 128 MB default is too slow for parsing. */
  readonly memorySize: number;
  /** Always explicit: the 3 s default is shorter than any real ingest or report. */
  readonly timeout: Duration;
  /** JSON of the validated config trimmed to the owner (CROSSLIFT_CONFIG). */
  readonly configJson: string;
  /**
   * How long CloudWatch keeps the function's logs.
   * @default RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: RetentionDays;
  /**
   * Ship source maps with the bundle (and turn them on with NODE_OPTIONS=--enable-source-maps).
   * Off by default: they double the bundle and slow cold starts.
   * @default false
   */
  readonly sourceMap?: boolean;
  /**
   * Concurrent executions reserved for the function: it always gets them, whatever else runs in
   * the account, and never runs more at once. Lambda keeps at least 100 of the account's
   * concurrency unreserved, so a deployment fails where the reservations leave less.
   * @default - none reserved: the function draws on the account's unreserved concurrency
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * POWERTOOLS_LOG_LEVEL of the function.
   * @default - not set (Powertools logs at INFO)
   */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
}

/**
 * CDK's KMS grants for DynamoDB and SQS (grantEncryptDecrypt) use `kms:GenerateDataKey*` and
 * `kms:ReEncrypt*`. They are limited to one key; the findings are acknowledged on the role.
 */
export const acknowledgeKeyWildcards = (role: IConstruct, why: string) => {
  for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: `${why}, limited to the stack key.`,
    });
  }
};

/** Which object keys a function may read and write in the drop bucket. */
export interface BucketAccess {
  /** Key patterns the function reads, e.g. `inbox/*` (GetObject and GetObjectVersion: ingest pins versions). */
  readonly read: readonly string[];
  /** Key patterns the function writes, e.g. `reports/*`. */
  readonly write: readonly string[];
}

/** What the ingest function needs: it reads drops and writes rejection reports (shared/ingest/keys.ts). */
export const INGEST_BUCKET_ACCESS: BucketAccess = { read: [`${INBOX_PREFIX}*`], write: [`${REJECTED_PREFIX}*`] };

/** A DynamoDB action a function performs on the table. */
export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'BatchWriteItem';

/**
 * What ingest and reconcile do (shared/ingest/ingest-object.ts through shared/storage/table.ts):
 * read and write file records (and add their days to the file index), content claims, stale marks
 * on reports and send records; delete a released content claim (DeleteItem); write and delete day
 * aggregates in batches (BatchWriteItem with PutRequest and DeleteRequest items). Nothing scans.
 */
export const INGEST_TABLE_ACCESS: readonly TableAction[] = [
  'GetItem',
  'Query',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
];

/**
 * What the report does (shared/report, shared/alerts, shared/mail/deliver.ts): query the file
 * index and day aggregates, read the period's file records in batches (BatchGetItem), store
 * reports, alert state and send records, and index file records once after an upgrade
 * (shared/storage/file-index.ts). It deletes nothing.
 */
export const REPORT_TABLE_ACCESS: readonly TableAction[] = [
  'GetItem',
  'BatchGetItem',
  'Query',
  'PutItem',
  'UpdateItem',
];

/** What the failure notice does (shared/mail/deliver.ts): read and write its send records. */
export const FAILURE_NOTICE_TABLE_ACCESS: readonly TableAction[] = ['GetItem', 'PutItem'];

/**
 * A crosslift Lambda function: Node.js 22 on arm64, bundled locally by esbuild as minified ESM
 * with the AWS SDK left to the runtime, logging to its own log group with a retention.
 * CROSSLIFT_CONFIG comes with the props; every variable that names a resource is set by a
 * `use*` method, which grants the matching access in the same call, so a function never has a
 * name without the permission or the reverse.
 */
export class CrossliftFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: CrossliftFunctionProps) {
    const sourceMap = props.sourceMap ?? false;
    super(scope, id, {
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      projectRoot: REPO_ROOT,
      depsLockFilePath: `${REPO_ROOT}package-lock.json`,
      // Own role: the managed AWSLambdaBasicExecutionRole allows writing to every log group.
      role: new Role(scope, `${id}Role`, {
        assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
        description: `Runs the ${id} function`,
      }),
      logGroup: new LogGroup(scope, `${id}Logs`, {
        retention: props.logRetention ?? RetentionDays.THREE_MONTHS,
        // Logs are operational; the records worth keeping are in the table and the bucket.
        removalPolicy: RemovalPolicy.DESTROY,
      }),
      environment: {
        CROSSLIFT_CONFIG: props.configJson,
        ...(sourceMap ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
        ...(props.logLevel ? { POWERTOOLS_LOG_LEVEL: props.logLevel } : {}),
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap,
        // Prefer the ESM builds of dependencies: they tree-shake better.
        mainFields: ['module', 'main'],
        banner: CREATE_REQUIRE_BANNER,
        // The Node.js 22 runtime ships AWS SDK v3; everything else is bundled.
        externalModules: ['@aws-sdk/*'],
        // Report and email text includes Chinese; UTF-8 keeps it readable and smaller than \u escapes.
        charset: Charset.UTF8,
      },
    });
    this.logGroup.grantWrite(this.role!);
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the runtime the project targets (bundles are built for node22 and tested on it); moving to a newer runtime is a deliberate upgrade, not a deploy-time default.',
    });
  }

  /**
   * Sets CROSSLIFT_TABLE and grants the given actions on the table, and the use of its key. List
   * only what the function's code sends (see INGEST_TABLE_ACCESS and the others): a DynamoDB
   * call added in shared/ needs its action here too, or it fails with AccessDenied on AWS only.
   */
  useTable(table: ITable, actions: readonly TableAction[]): this {
    this.addEnvironment('CROSSLIFT_TABLE', table.tableName);
    table.grant(this, ...actions.map((a) => `dynamodb:${a}`));
    // The key actions of CDK's grantReadWriteData: what DynamoDB does with the table key on the caller's behalf.
    table.encryptionKey?.grant(
      this,
      'kms:Decrypt',
      'kms:DescribeKey',
      'kms:Encrypt',
      'kms:ReEncrypt*',
      'kms:GenerateDataKey*',
    );
    acknowledgeKeyWildcards(this.role!, 'Table key grant: the KMS actions DynamoDB performs with the table key');
    return this;
  }

  /**
   * Sets CROSSLIFT_BUCKET and grants object access by key pattern. Reading also grants
   * s3:ListBucket: without it S3 answers 403 instead of 404 for a key deleted since its event,
   * and the ingest treats "gone" as a normal outcome but a 403 as a failure to retry.
   */
  useBucket(bucket: IBucket, access: BucketAccess = INGEST_BUCKET_ACCESS): this {
    this.addEnvironment('CROSSLIFT_BUCKET', bucket.bucketName);
    const bucketLogicalId = Stack.of(this).getLogicalId(bucket.node.defaultChild as CfnBucket);
    const acknowledgePattern = (pattern: string, why: string) =>
      Validations.of(this.role!).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketLogicalId}.Arn>/${pattern}]`,
        reason: why,
      });
    if (access.read.length > 0) {
      this.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['s3:GetObject', 's3:GetObjectVersion'],
          resources: access.read.map((p) => bucket.arnForObjects(p)),
        }),
      );
      this.addToRolePolicy(
        new PolicyStatement({ effect: Effect.ALLOW, actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
      );
      bucket.encryptionKey?.grant(this, 'kms:Decrypt');
      access.read.forEach((p) =>
        acknowledgePattern(p, `Reads any object under ${p}: every partner drop is a new key.`),
      );
    }
    if (access.write.length > 0) {
      this.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['s3:PutObject'],
          resources: access.write.map((p) => bucket.arnForObjects(p)),
        }),
      );
      bucket.encryptionKey?.grant(this, 'kms:GenerateDataKey', 'kms:Decrypt');
      access.write.forEach((p) =>
        acknowledgePattern(p, `Writes rejection reports under ${p}, one key per rejected or partly rejected drop.`),
      );
    }
    return this;
  }

  /**
   * Grants sending email as the owner's sender, and only as it: SES authorizes against the
   * address identity or, when only the domain is verified, the domain identity, so both ARNs
   * (in the stack's region) are allowed, and the From address is pinned by condition. Also lets
   * delivery read the account's suppression list. The address itself travels in
   * CROSSLIFT_CONFIG (the owner's `sender`), so there is no separate variable to set.
   */
  useSender(address: string): this {
    const domain = address.slice(address.lastIndexOf('@') + 1);
    const stack = Stack.of(this);
    const identityArn = (name: string) => stack.formatArn({ service: 'ses', resource: 'identity', resourceName: name });
    this.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [identityArn(address), identityArn(domain)],
        conditions: { StringEquals: { 'ses:FromAddress': address } },
      }),
    );
    // Delivery skips addresses on the account's suppression list (shared/mail/ses.ts isSuppressed).
    // The action reads an account-level list and has no resource to scope to, so it needs `*`: it
    // gets a policy of its own, and only that policy's finding is acknowledged. Any other action
    // on `*` added to the role lands in its default policy, where cdk-nag still reports it.
    const suppressionList = new Policy(this, 'SuppressionListRead', {
      roles: [this.role!],
      statements: [
        new PolicyStatement({ effect: Effect.ALLOW, actions: ['ses:GetSuppressedDestination'], resources: ['*'] }),
      ],
    });
    Validations.of(suppressionList).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ses:GetSuppressedDestination reads the account-level suppression list and supports no resource-level scoping; this policy allows only that read action.',
    });
    // The function runs only once the policy is attached, as it does with its default policy.
    this.node.addDependency(suppressionList);
    return this;
  }
}
