import { ArnFormat, Aws, Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

export interface AlarmTopicProps {
  /** Shown as the sender of email notifications. */
  readonly displayName: string;
  /**
   * Customer-managed key the topic is encrypted with (the stack key). Its policy must be editable
   * in this stack: CloudWatch gets the key permissions it needs to publish.
   */
  readonly key: IKey;
}

/**
 * The SNS topic CloudWatch alarms publish to: encrypted with the stack key and TLS only.
 *
 * `enforceSSL` gives the topic a policy that holds only a Deny; a topic policy without an Allow
 * for `cloudwatch.amazonaws.com` makes every alarm action fail with "not authorized to perform
 * SNS:Publish". So CloudWatch may publish, and use the key for it (an encrypted topic needs
 * kms:GenerateDataKey* and kms:Decrypt from the publisher), both only on behalf of this
 * account's alarms in this region (`aws:SourceAccount`, `aws:SourceArn`): no other account's
 * alarm can use the topic or the key through CloudWatch.
 */
export class AlarmTopic extends Topic {
  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id, { displayName: props.displayName, masterKey: props.key, enforceSSL: true });
    const stack = Stack.of(this);
    const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    const fromOurAlarms = {
      StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      ArnLike: {
        'aws:SourceArn': stack.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: '*',
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    };
    this.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        effect: Effect.ALLOW,
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [this.topicArn],
        conditions: fromOurAlarms,
      }),
    );
    const added = props.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsUseKeyForAlarmTopic',
        effect: Effect.ALLOW,
        principals: [cloudWatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromOurAlarms,
      }),
    );
    if (!added.statementAdded) {
      throw new Error(
        `alarm topic ${this.node.path}: the key policy cannot be changed here, so CloudWatch could not publish to the encrypted topic`,
      );
    }
  }
}
