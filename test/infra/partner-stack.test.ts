import { Duration, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { Role } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../shared/config/schema';
import { CrossliftFunction, REPO_ROOT } from '../../infra/constructs/crosslift-function';
import { ReportSchedules } from '../../infra/constructs/report-schedules';
import { MAX_CONFIG_ENV_BYTES } from '../../infra/partner-config';
import { PartnerStack, type PartnerStackProps } from '../../infra/partner-stack';
import { testApp, testConfig, testConfigInput } from './support';

// One synthesis of north's stack serves every assertion (bundling is skipped: no esbuild runs).
let cached: { stack: PartnerStack; template: Template } | undefined;
const north = () => {
  if (!cached) {
    const stack = new PartnerStack(testApp(), 'Crosslift-north', { config: testConfig(), partnerId: 'north' });
    cached = { stack, template: Template.fromStack(stack) };
  }
  return cached;
};
const idOf = (element: { node: { defaultChild?: unknown } } | CfnElement) => {
  const cfn = ('logicalId' in element ? element : element.node.defaultChild) as CfnElement;
  return Stack.of(cfn).getLogicalId(cfn);
};
const allConstructs = (root: IConstruct): IConstruct[] => [root, ...root.node.children.flatMap(allConstructs)];
const getAtt = (id: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [id, attribute] });
const objectsArn = (bucketId: string, pattern: string) => ({ 'Fn::Join': ['', [getAtt(bucketId), `/${pattern}`]] });

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Principal?: unknown;
  Resource?: unknown;
  Condition?: unknown;
}
const statementsOf = (template: Template, type: string, property: string): Statement[] =>
  Object.values(template.findResources(type)).flatMap(
    (r) => (r as { Properties: Record<string, { Statement: Statement[] }> }).Properties[property]!.Statement,
  );
/** The statements of the drop bucket's policy (the access log bucket has its own). */
const dropPolicyStatements = (template: Template, bucketId: string): Statement[] =>
  Object.values(template.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: bucketId } } })).flatMap(
    (r) => (r as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
  );
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('drop bucket', () => {
  it('encrypts with the stack key (SSE-KMS, bucket key)', () => {
    // Prepare
    const { stack, template } = north();
    // Act
    const bucketId = idOf(stack.bucket.bucket);
    // Assess
    expect(template.toJSON().Resources[bucketId].Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [
        {
          BucketKeyEnabled: true,
          ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: getAtt(idOf(stack.key)) },
        },
      ],
    });
  });

  it('is versioned, private and logs access to the log bucket', () => {
    // Prepare
    const { stack, template } = north();
    // Act
    const logsId = idOf(stack.bucket.accessLogs);
    // Assess
    template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: logsId }, LogFilePrefix: 'drop-bucket/' },
    });
  });

  it('denies every request without TLS', () => {
    // Prepare
    const { stack, template } = north();
    // Act
    const bucketId = idOf(stack.bucket.bucket);
    // Assess
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('denies uploads that ask for another encryption than SSE-KMS (without the header, the default applies: the stack key)', () => {
    // Prepare
    const { stack, template } = north();
    // Act
    const bucketId = idOf(stack.bucket.bucket);
    const denials = dropPolicyStatements(template, bucketId).filter((s) => s.Effect === 'Deny');
    // Assess
    expect(denials).toContainEqual({
      Sid: 'DenyUploadsWithOtherEncryption',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:PutObject',
      Resource: objectsArn(bucketId, '*'),
      Condition: {
        StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' },
        Null: { 's3:x-amz-server-side-encryption': 'false' },
      },
    });
  });

  it('denies uploads that name a KMS key other than the stack key', () => {
    // Prepare
    const { stack, template } = north();
    // Act
    const bucketId = idOf(stack.bucket.bucket);
    const denials = dropPolicyStatements(template, bucketId).filter((s) => s.Effect === 'Deny');
    // Assess
    expect(denials).toContainEqual({
      Sid: 'DenyUploadsWithOtherKey',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:PutObject',
      Resource: objectsArn(bucketId, '*'),
      Condition: {
        StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': getAtt(idOf(stack.key)) },
        Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'false' },
      },
    });
  });

  it('denies uploads with customer-provided keys (SSE-C)', () => {
    // Prepare
    const { stack, template } = north();
    // Act
    const bucketId = idOf(stack.bucket.bucket);
    const denials = dropPolicyStatements(template, bucketId).filter((s) => s.Effect === 'Deny');
    // Assess
    expect(denials).toContainEqual({
      Sid: 'DenyUploadsWithCustomerKeys',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:PutObject',
      Resource: objectsArn(bucketId, '*'),
      Condition: { Null: { 's3:x-amz-server-side-encryption-customer-algorithm': 'false' } },
    });
  });

  it('is named crosslift-<partner>-<end of the stack id> before it exists, so the key policy can name it', () => {
    // Prepare
    const { stack, template } = north();
    // Act
    const name = template.toJSON().Resources[idOf(stack.bucket.bucket)].Properties.BucketName;
    // Assess
    expect(name).toEqual({
      'Fn::Join': [
        '',
        [
          'crosslift-north-',
          {
            'Fn::Select': [
              4,
              { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] },
            ],
          },
        ],
      ],
    });
  });

  it('expires rejection reports after 90 days', () => {
    // Prepare
    const { template } = north();
    // Act: nothing to do, the rule is static
    // Assess
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: 'reports/rejected/', ExpirationInDays: 90, Status: 'Enabled' }),
        ]),
      },
    });
  });

  it('sends object-created and object-removed events under inbox/ to the ingest function', () => {
    // Prepare
    const { stack, template } = north();
    // Act
    const rule = (event: string) => ({
      Events: [event],
      Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'inbox/' }] } },
      LambdaFunctionArn: getAtt(idOf(stack.ingest)),
    });
    // Assess
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: idOf(stack.bucket.bucket) },
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [rule('s3:ObjectCreated:*'), rule('s3:ObjectRemoved:*')],
      },
    });
  });
});

describe('table', () => {
  it('has string keys pk/sk and on-demand billing', () => {
    // Prepare
    const { template } = north();
    // Act: the table is the only one in the stack
    // Assess
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  it('has point-in-time recovery', () => {
    // Prepare
    const { template } = north();
    // Act: nothing to do
    // Assess
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('is encrypted with the stack key', () => {
    // Prepare
    const { stack, template } = north();
    // Act
    const keyArn = getAtt(idOf(stack.key));
    // Assess
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn },
    });
  });

  it('expires items by expiresAt', () => {
    // Prepare
    const { template } = north();
    // Act: nothing to do
    // Assess
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('is kept when the stack is deleted', () => {
    // Prepare
    const { template } = north();
    // Act: nothing to do
    // Assess
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});

describe('functions', () => {
  it('runs ingest on Node.js 22, arm64, 1769 MB, 15 minutes', () => {
    // Prepare
    const { template } = north();
    // Act: find the function by its description
    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^S3 inbox/'),
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 1769,
      Timeout: 900,
      Handler: 'index.handler',
    });
  });

  it('runs report on Node.js 22, arm64, 512 MB, 5 minutes', () => {
    // Prepare
    const { template } = north();
    // Act: find the function by its description
    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Scheduled effect report'),
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 512,
      Timeout: 300,
    });
  });

  it('runs reconcile like ingest (1769 MB, 15 minutes) and the failure notice on 512 MB, 1 minute', () => {
    // Prepare
    const { stack, template } = north();
    // Act
    const sizeOf = (fn: CrossliftFunction) => {
      const props = template.toJSON().Resources[idOf(fn)].Properties;
      return [props.Runtime, props.Architectures, props.MemorySize, props.Timeout];
    };
    // Assess
    expect({ reconcile: sizeOf(stack.reconcile), failureNotice: sizeOf(stack.failureNotice) }).toEqual({
      reconcile: ['nodejs22.x', ['arm64'], 1769, 900],
      failureNotice: ['nodejs22.x', ['arm64'], 512, 60],
    });
  });

  it('sets exactly the settings variables (no AWS_REGION, no NODE_OPTIONS without source maps)', () => {
    // Prepare
    const { stack, template } = north();
    // Act
    const variables = template.toJSON().Resources[idOf(stack.ingest)].Properties.Environment.Variables;
    // Assess
    expect(variables).toEqual({
      CROSSLIFT_CONFIG: expect.any(String),
      CROSSLIFT_TABLE: { Ref: idOf(stack.table.table) },
      CROSSLIFT_BUCKET: { Ref: idOf(stack.bucket.bucket) },
    });
  });

  it("gives the functions the config trimmed to north's cooperations and the partners they involve", () => {
    // Prepare
    const { stack, template } = north();
    // Act
    const json = template.toJSON().Resources[idOf(stack.report)].Properties.Environment.Variables.CROSSLIFT_CONFIG;
    const config = configSchema.parse(JSON.parse(json));
    // Assess
    expect({
      cooperations: config.cooperations.map((c) => c.id),
      partners: config.partners.map((p) => p.id),
    }).toEqual({ cooperations: ['course-a', 'ads-b'], partners: ['north', 'east', 'west', 'south'] });
  });

  it('logs to a log group with a retention', () => {
    // Prepare
    const { stack, template } = north();
    // Act
    const logGroupId = idOf(stack.ingest.logGroup);
    // Assess
    expect(template.toJSON().Resources[logGroupId].Properties.RetentionInDays).toBe(90);
  });

  it('sets NODE_OPTIONS=--enable-source-maps only when source maps are on', () => {
    // Prepare
    const stack = new Stack(testApp(), 'SourceMaps');
    // Act
    new CrossliftFunction(stack, 'Fn', {
      entry: `${REPO_ROOT}functions/report/handler.ts`,
      description: 'source maps',
      memorySize: 512,
      timeout: Duration.minutes(1),
      configJson: '{}',
      sourceMap: true,
    });
    // Assess
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ NODE_OPTIONS: '--enable-source-maps' }) },
    });
  });

  it('lets every function send email only as the owner sender identity', () => {
    // Prepare
    const { template } = north();
    // Act
    const identity = (name: string) => ({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':ses:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          `:identity/${name}`,
        ],
      ],
    });
    const sesStatements = statementsOf(template, 'AWS::IAM::Policy', 'PolicyDocument').filter((s) =>
      actionsOf(s).some((a) => a.startsWith('ses:')),
    );
    // Assess
    expect(sesStatements).toEqual(
      [1, 2, 3, 4].flatMap(() => [
        {
          Effect: 'Allow',
          Action: ['ses:SendEmail', 'ses:SendRawEmail'],
          Resource: [identity('north.example'), identity('reports@north.example')],
          Condition: { StringEquals: { 'ses:FromAddress': 'reports@north.example' } },
        },
        { Effect: 'Allow', Action: 'ses:GetSuppressedDestination', Resource: '*' },
      ]),
    );
  });

  it('lets ingest and reconcile read inbox/ and write only reports/rejected/, and the others no object access', () => {
    // Prepare
    const { stack, template } = north();
    // Act
    const bucketId = idOf(stack.bucket.bucket);
    const objectStatements = (roleId: string) =>
      Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }))
        .flatMap(
          (p) =>
            (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
        )
        .filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
    const dropAccess = [
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: objectsArn(bucketId, 'inbox/*') },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: getAtt(bucketId) },
      { Effect: 'Allow', Action: 's3:PutObject', Resource: objectsArn(bucketId, 'reports/rejected/*') },
    ];
    // Assess
    expect({
      ingest: objectStatements(idOf(stack.ingest.role!)),
      reconcile: objectStatements(idOf(stack.reconcile.role!)),
      report: objectStatements(idOf(stack.report.role!)),
      failureNotice: objectStatements(idOf(stack.failureNotice.role!)),
    }).toEqual({ ingest: dropAccess, reconcile: dropAccess, report: [], failureNotice: [] });
  });
});

describe('function permissions', () => {
  const policiesOf = (template: Template) =>
    Object.values(template.findResources('AWS::IAM::Policy')).map(
      (p) => p.Properties as { Roles: unknown[]; PolicyDocument: { Statement: Statement[] } },
    );

  it('allows ses:GetSuppressedDestination on * in a policy of its own per role, and nothing else on *', () => {
    // Prepare
    const { stack, template } = north();
    // Act
    const policies = policiesOf(template);
    const suppression = policies.filter((p) =>
      p.PolicyDocument.Statement.some((s) => actionsOf(s).includes('ses:GetSuppressedDestination')),
    );
    const otherWildcards = policies
      .filter((p) => !suppression.includes(p))
      .flatMap((p) => p.PolicyDocument.Statement)
      .filter((s) => JSON.stringify(s.Resource) === '"*"');
    // Assess
    expect({ suppression, otherWildcards }).toEqual({
      suppression: [stack.ingest, stack.report, stack.reconcile, stack.failureNotice].map((fn) => ({
        PolicyName: expect.any(String),
        Roles: [{ Ref: idOf(fn.role!) }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'ses:GetSuppressedDestination', Resource: '*' }],
        },
      })),
      otherWildcards: [],
    });
  });

  it('acknowledges AwsSolutions-IAM5[Resource::*] on the suppression-list policies only', () => {
    // Prepare
    const { stack } = north();
    // Act
    const acknowledging = allConstructs(stack)
      .filter((c) =>
        c.node.metadata.some(
          (m) =>
            m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY &&
            Object.keys(m.data as Record<string, string>).some((id) => id.endsWith('AwsSolutions-IAM5[Resource::*]')),
        ),
      )
      .map((c) => c.node.path);
    // Assess
    expect(acknowledging.sort()).toEqual(
      ['Ingest', 'Report', 'Reconcile', 'FailureNotice']
        .map((name) => `Crosslift-north/${name}/SuppressionListRead`)
        .sort(),
    );
  });

  it('grants each function only the DynamoDB actions it uses: no Scan, deletes only for ingest and reconcile', () => {
    // Prepare
    const { stack, template } = north();
    // Act
    const tableActions = (fn: CrossliftFunction) =>
      Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: idOf(fn.role!) }] } }))
        .flatMap(
          (p) =>
            (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
        )
        .flatMap(actionsOf)
        .filter((a) => a.startsWith('dynamodb:'))
        .sort();
    const ingestLike = ['BatchWriteItem', 'DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'].map(
      (a) => `dynamodb:${a}`,
    );
    // Assess
    expect({
      ingest: tableActions(stack.ingest),
      reconcile: tableActions(stack.reconcile),
      report: tableActions(stack.report),
      failureNotice: tableActions(stack.failureNotice),
    }).toEqual({
      ingest: ingestLike,
      reconcile: ingestLike,
      report: [
        'dynamodb:BatchGetItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ],
      failureNotice: ['dynamodb:GetItem', 'dynamodb:PutItem'],
    });
  });

  it("names SES identities in the stack's region, never us-east-1", () => {
    // Prepare
    const env = { account: '111111111111', region: 'eu-central-1' };
    // Act
    const stack = new PartnerStack(testApp(), 'Crosslift-north', { config: testConfig(), partnerId: 'north', env });
    const statements = statementsOf(Template.fromStack(stack), 'AWS::IAM::Policy', 'PolicyDocument');
    // Assess
    expect({
      resources: [
        ...new Set(
          statements.filter((s) => actionsOf(s).includes('ses:SendEmail')).map((s) => JSON.stringify(s.Resource)),
        ),
      ],
      usEast1: JSON.stringify(Template.fromStack(stack).toJSON()).includes('us-east-1'),
    }).toEqual({
      resources: [
        JSON.stringify([
          'arn:aws:ses:eu-central-1:111111111111:identity/north.example',
          'arn:aws:ses:eu-central-1:111111111111:identity/reports@north.example',
        ]),
      ],
      usEast1: false,
    });
  });
});

describe('concurrency', () => {
  const reservedOf = (stack: PartnerStack, template: Template) => {
    const reserved = (fn: CrossliftFunction) =>
      template.toJSON().Resources[idOf(fn)].Properties.ReservedConcurrentExecutions;
    return {
      report: reserved(stack.report),
      ingest: reserved(stack.ingest),
      reconcile: reserved(stack.reconcile),
      failureNotice: reserved(stack.failureNotice),
    };
  };

  it('reserves 2 concurrent runs for the report function and caps ingest at 10 and reconcile at 1', () => {
    // Prepare
    const { stack, template } = north();
    // Act
    const reserved = reservedOf(stack, template);
    // Assess
    expect(reserved).toEqual({ report: 2, ingest: 10, reconcile: 1, failureNotice: undefined });
  });

  it('takes the reservations from the stack props, and reserves nothing when they are turned off', () => {
    // Prepare
    const synth = (reservedConcurrency: PartnerStackProps['reservedConcurrency']) => {
      const stack = new PartnerStack(testApp(), 'Crosslift-north', {
        config: testConfig(),
        partnerId: 'north',
        reservedConcurrency,
      });
      return reservedOf(stack, Template.fromStack(stack));
    };
    // Act
    const configured = { custom: synth({ report: 5, ingest: 40 }), off: synth(false) };
    // Assess
    expect(configured).toEqual({
      custom: { report: 5, ingest: 40, reconcile: 1, failureNotice: undefined },
      off: { report: undefined, ingest: undefined, reconcile: undefined, failureNotice: undefined },
    });
  });

  it('refuses a reservation that is not a whole number of at least 1', () => {
    // Prepare
    const props = { config: testConfig(), partnerId: 'north', reservedConcurrency: { report: 0 } };
    // Act
    const act = () => new PartnerStack(testApp(), 'Crosslift-north', props);
    // Assess
    expect(act).toThrow('reserved concurrency of report must be a whole number of at least 1, got 0');
  });
});

describe('schedules', () => {
  it('creates one schedule per owned cooperation plus the daily reconcile', () => {
    // Prepare
    const { template } = north();
    // Act: count
    // Assess
    template.resourceCountIs('AWS::Scheduler::Schedule', 3);
  });

  it('runs weekly reports Monday 06:00 in the cooperation timezone with the scheduled time as input', () => {
    // Prepare
    const { stack, template } = north();
    // Act
    const input = JSON.stringify({ cooperationId: 'course-a', scheduledTime: '<aws.scheduler.scheduled-time>' });
    // Assess
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 6 ? * MON *)',
      ScheduleExpressionTimezone: 'Asia/Shanghai',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: Match.objectLike({ Arn: getAtt(idOf(stack.report)), Input: input }),
    });
  });

  it('runs monthly reports on the 1st 06:00 in the cooperation timezone', () => {
    // Prepare
    const { stack, template } = north();
    // Act
    const input = JSON.stringify({ cooperationId: 'ads-b', scheduledTime: '<aws.scheduler.scheduled-time>' });
    // Assess
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 6 1 * ? *)',
      ScheduleExpressionTimezone: 'America/New_York',
      Target: Match.objectLike({ Arn: getAtt(idOf(stack.report)), Input: input }),
    });
  });
});

describe('schedule dead letters', () => {
  it("retries a failed invocation 10 times within 6 hours, then puts it in the schedules' dead-letter queue", () => {
    // Prepare
    const { stack, template } = north();
    // Act
    const targets = Object.values(template.findResources('AWS::Scheduler::Schedule')).map((s) => ({
      deadLetters: s.Properties.Target.DeadLetterConfig,
      retries: s.Properties.Target.RetryPolicy,
    }));
    // Assess
    expect(targets).toEqual(
      [1, 2, 3].map(() => ({
        deadLetters: { Arn: getAtt(idOf(stack.schedules.deadLetterQueue)) },
        retries: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 21600 },
      })),
    );
  });

  it("encrypts the schedules' dead-letter queue with the stack key and refuses plain HTTP", () => {
    // Prepare
    const { stack, template } = north();
    // Act
    const queueId = idOf(stack.schedules.deadLetterQueue);
    const policies = template.findResources('AWS::SQS::QueuePolicy', { Properties: { Queues: [{ Ref: queueId }] } });
    // Assess
    expect({
      key: template.toJSON().Resources[queueId].Properties.KmsMasterKeyId,
      tls: Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement),
    }).toEqual({
      key: getAtt(idOf(stack.key)),
      tls: [
        {
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'sqs:*',
          Resource: getAtt(queueId),
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    });
  });

  it('lets the Scheduler role put failed invocations into the dead-letter queue, with the stack key', () => {
    // Prepare
    const { stack, template } = north();
    // Act
    const roleId = idOf(stack.schedules.node.findChild('InvokeRole') as Role);
    const statements = Object.values(
      template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }),
    )
      .flatMap(
        (p) =>
          (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
      )
      .filter((s) => actionsOf(s).some((a) => a.startsWith('sqs:') || a.startsWith('kms:')));
    // Assess
    expect(statements).toEqual([
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: getAtt(idOf(stack.schedules.deadLetterQueue)) },
      { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: getAtt(idOf(stack.key)) },
    ]);
  });

  it("alarms on anything in the schedules' dead-letter queue, through the alarm topic", () => {
    // Prepare
    const { stack, template } = north();
    // Act
    const queueName = getAtt(idOf(stack.schedules.deadLetterQueue), 'QueueName');
    // Assess
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: queueName }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      AlarmActions: [{ Ref: idOf(stack.alarmTopic) }],
    });
  });
});

describe('reconcile schedule', () => {
  it('runs reconcile daily at 03:00 UTC with the scheduled time', () => {
    // Prepare
    const { stack, template } = north();
    // Act
    const input = JSON.stringify({ scheduledTime: '<aws.scheduler.scheduled-time>' });
    // Assess
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 3 * * ? *)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      Target: Match.objectLike({ Arn: getAtt(idOf(stack.reconcile)), Input: input }),
    });
  });

  it('adds no reconcile schedule when no reconcile function is given', () => {
    // Prepare
    const stack = new Stack(testApp(), 'NoReconcile');
    const report = new LambdaFunction(stack, 'Report', {
      runtime: Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: Code.fromInline('export const handler = async () => {};'),
    });
    const key = new Key(stack, 'Key');
    // Act
    new ReportSchedules(stack, 'Schedules', {
      cooperations: testConfig().cooperations.slice(0, 1),
      reportFunction: report,
      key,
    });
    // Assess
    Template.fromStack(stack).resourceCountIs('AWS::Scheduler::Schedule', 1);
  });
});

describe('partner access', () => {
  const account = (id: string) => ({
    AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${id}:root`]] },
  });

  it('lets each partner account put objects only under its own inbox prefix', () => {
    // Prepare
    const { stack, template } = north();
    // Act
    const bucketId = idOf(stack.bucket.bucket);
    const uploads = dropPolicyStatements(template, bucketId).filter(
      (s) => s.Effect === 'Allow' && actionsOf(s).includes('s3:PutObject'),
    );
    // Assess
    expect(uploads).toEqual(
      [
        ['course-a', 'east', '222222222222'],
        ['ads-b', 'west', '333333333333'],
        ['ads-b', 'east', '222222222222'],
      ].map(([cooperation, partner, accountId]) =>
        expect.objectContaining({
          Effect: 'Allow',
          Principal: account(accountId!),
          Action: ['s3:AbortMultipartUpload', 's3:PutObject'],
          Resource: objectsArn(bucketId, `inbox/${cooperation}/${partner}/*`),
        }),
      ),
    );
  });

  it('limits a partner account to the prefixes of the datasets it delivers, when the cooperation names them', () => {
    // Prepare: in ads-b, west delivers only campaigns and referrals; east is not limited.
    const input = structuredClone(testConfigInput);
    Object.assign(input.cooperations[1]!, { delivers: { west: ['campaigns', 'referrals'] } });
    const config = configSchema.parse(input);
    const stack = new PartnerStack(testApp(), 'Crosslift-north', { config, partnerId: 'north' });
    const template = Template.fromStack(stack);
    // Act
    const bucketId = idOf(stack.bucket.bucket);
    const uploads = dropPolicyStatements(template, bucketId).filter(
      (s) => s.Effect === 'Allow' && actionsOf(s).includes('s3:PutObject'),
    );
    // Assess
    expect(uploads.map((s) => s.Resource)).toEqual([
      objectsArn(bucketId, 'inbox/course-a/east/*'),
      [objectsArn(bucketId, 'inbox/ads-b/west/campaigns/*'), objectsArn(bucketId, 'inbox/ads-b/west/referrals/*')],
      objectsArn(bucketId, 'inbox/ads-b/east/*'),
    ]);
  });

  it('lets each partner account read only its own rejection reports', () => {
    // Prepare
    const { stack, template } = north();
    // Act
    const bucketId = idOf(stack.bucket.bucket);
    const reads = dropPolicyStatements(template, bucketId).filter((s) => actionsOf(s).includes('s3:GetObject'));
    // Assess
    expect(reads).toEqual(
      [
        ['course-a', 'east', '222222222222'],
        ['ads-b', 'west', '333333333333'],
        ['ads-b', 'east', '222222222222'],
      ].map(([cooperation, partner, accountId]) =>
        expect.objectContaining({
          Effect: 'Allow',
          Principal: account(accountId!),
          Action: 's3:GetObject',
          Resource: objectsArn(bucketId, `reports/rejected/inbox/${cooperation}/${partner}/*`),
        }),
      ),
    );
  });

  it('grants no partner any listing (and the owner account no partner statement)', () => {
    // Prepare
    const { stack, template } = north();
    // Act
    const allowed = dropPolicyStatements(template, idOf(stack.bucket.bucket)).filter((s) => s.Effect === 'Allow');
    // Assess
    expect({
      listing: allowed.filter((s) => actionsOf(s).some((a) => /^s3:(List|\*)/.test(a) || a === '*')),
      owner: allowed.filter((s) => JSON.stringify(s.Principal).includes('111111111111')),
    }).toEqual({ listing: [], owner: [] });
  });

  const partnerKeyStatements = (template: Template) =>
    statementsOf(template, 'AWS::KMS::Key', 'KeyPolicy').filter((s) => /22222|33333/.test(JSON.stringify(s.Principal)));

  it('lets partner accounts use the key only through S3, for the drop bucket', () => {
    // Prepare
    const { template } = north();
    // Act
    const conditions = partnerKeyStatements(template).map((s) => s.Condition);
    const bucketArn = {
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':s3:::crosslift-north-',
          {
            'Fn::Select': [
              4,
              { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] },
            ],
          },
        ],
      ],
    };
    const objectArns = { 'Fn::Join': ['', [...bucketArn['Fn::Join'][1]!, '/*']] };
    // Assess
    expect(conditions).toEqual(
      [1, 2].map(() => ({
        StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
        StringLike: { 'kms:EncryptionContext:aws:s3:arn': [bucketArn, objectArns] },
      })),
    );
  });

  it('grants partner accounts GenerateDataKey and Decrypt (uploads, multipart uploads, reading reports), not Encrypt', () => {
    // Prepare
    const { template } = north();
    // Act
    const grants = partnerKeyStatements(template).map((s) => ({ principal: s.Principal, actions: s.Action }));
    // Assess
    expect(grants).toEqual(
      ['222222222222', '333333333333'].map((id) => ({
        principal: account(id),
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      })),
    );
  });
});

describe('asynchronous failures', () => {
  it('retries twice within 6 hours, then sends the event to the function failure queue', () => {
    // Prepare
    const { stack, template } = north();
    // Act
    const queueId = idOf(stack.failures.queues.get('Ingest')!);
    // Assess
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: idOf(stack.ingest) },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21600,
      DestinationConfig: { OnFailure: { Destination: getAtt(queueId) } },
    });
  });

  it('configures every asynchronously invoked function (ingest, report, reconcile)', () => {
    // Prepare
    const { template } = north();
    // Act: count
    // Assess
    template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 3);
  });

  it('feeds report failures to the failure notice, reporting batch item failures', () => {
    // Prepare
    const { stack, template } = north();
    // Act
    const queueId = idOf(stack.failures.queues.get('Report')!);
    // Assess
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAtt(queueId),
      FunctionName: { Ref: idOf(stack.failureNotice) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('moves report failure records the notice cannot handle to a dead-letter queue after 5 receives', () => {
    // Prepare
    const { stack, template } = north();
    // Act
    const queueId = idOf(stack.failures.queues.get('Report')!);
    const deadLetterId = idOf(stack.failures.deadLetterQueues.get('Report')!);
    // Assess
    expect(template.toJSON().Resources[queueId].Properties).toMatchObject({
      RedrivePolicy: { deadLetterTargetArn: getAtt(deadLetterId), maxReceiveCount: 5 },
      VisibilityTimeout: 360,
    });
  });

  it("encrypts every queue (failure queues, their dead letters, the schedules' dead letters) with the stack key", () => {
    // Prepare
    const { stack, template } = north();
    // Act
    const keyArn = getAtt(idOf(stack.key));
    // Assess
    expect(Object.values(template.findResources('AWS::SQS::Queue')).map((q) => q.Properties.KmsMasterKeyId)).toEqual(
      [1, 2, 3, 4, 5].map(() => keyArn),
    );
  });

  it('alarms on errors, throttles and failed events of each function, on unhandled failure records and on schedule dead letters', () => {
    // Prepare
    const { template } = north();
    // Act
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
      (a) =>
        `${a.Properties.Namespace} ${a.Properties.MetricName} ${a.Properties.ComparisonOperator} ${a.Properties.Threshold}`,
    );
    // Assess
    expect(alarms.sort()).toEqual(
      [
        'AWS/Lambda Errors GreaterThanOrEqualToThreshold 1',
        'AWS/Lambda Throttles GreaterThanOrEqualToThreshold 1',
        'AWS/SQS ApproximateNumberOfMessagesVisible GreaterThanThreshold 0',
      ]
        .flatMap((a) => [a, a, a])
        .concat('AWS/SQS ApproximateNumberOfMessagesVisible GreaterThanThreshold 0')
        .concat('AWS/SQS ApproximateNumberOfMessagesVisible GreaterThanThreshold 0')
        .sort(),
    );
  });

  it('publishes alarms to the encrypted alarm topic', () => {
    // Prepare
    const { stack, template } = north();
    // Act
    const topicRef = { Ref: idOf(stack.alarmTopic) };
    // Assess
    expect(
      Object.values(template.findResources('AWS::CloudWatch::Alarm')).every(
        (a) => JSON.stringify(a.Properties.AlarmActions) === JSON.stringify([topicRef]),
      ),
    ).toBe(true);
  });
});

describe('alarm topic', () => {
  const fromOurAlarms = {
    StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
    ArnLike: {
      'aws:SourceArn': {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':cloudwatch:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':alarm:*',
          ],
        ],
      },
    },
  };

  it("lets this account's CloudWatch alarms publish to the topic (its TLS-only policy alone would refuse them)", () => {
    // Prepare
    const { stack, template } = north();
    // Act
    const topicRef = { Ref: idOf(stack.alarmTopic) };
    // Assess
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [topicRef],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'CloudWatchAlarmsPublish',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: topicRef,
            Condition: fromOurAlarms,
          },
        ]),
      },
    });
  });

  it("lets CloudWatch use the stack key for the encrypted topic only on behalf of this account's alarms", () => {
    // Prepare
    const { template } = north();
    // Act
    const cloudWatch = statementsOf(template, 'AWS::KMS::Key', 'KeyPolicy').filter((s) =>
      JSON.stringify(s.Principal).includes('cloudwatch.amazonaws.com'),
    );
    // Assess
    expect(cloudWatch).toEqual([
      {
        Sid: 'CloudWatchAlarmsUseKeyForAlarmTopic',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: fromOurAlarms,
      },
    ]);
  });
});

describe('config checks at synthesis', () => {
  it('fails with a clear error naming the partner when its config is too big for Lambda', () => {
    // Prepare
    const big = configSchema.parse({
      ...testConfigInput,
      cooperations: testConfigInput.cooperations.map((c) =>
        c.owner === 'north'
          ? { ...c, recipients: Array.from({ length: 120 }, (_, i) => `reader-${i}@north.example`) }
          : c,
      ),
    });
    // Act
    const act = () => new PartnerStack(testApp(), 'Crosslift-north', { config: big, partnerId: 'north' });
    // Assess
    expect(act).toThrow(
      new RegExp(`config of partner "north" is \\d+ bytes .* over the ${MAX_CONFIG_ENV_BYTES}-byte budget`),
    );
  });

  it('refuses a partner that owns no cooperation', () => {
    // Prepare
    const config = testConfig();
    // Act
    const act = () => new PartnerStack(testApp(), 'Crosslift-east', { config, partnerId: 'east' });
    // Assess
    expect(act).toThrow('partner "east" owns no cooperation');
  });
});
