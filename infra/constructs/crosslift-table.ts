import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TABLE_SCHEMA } from '../../shared/storage/table';

export interface CrossliftTableProps {
  /** Customer-managed key the table is encrypted with (the stack key). */
  readonly key: IKey;
  /**
   * What CloudFormation does with the table when the stack is deleted.
   * @default RemovalPolicy.RETAIN (aggregates and reports are the record of the cooperation)
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The single table defined by TABLE_SCHEMA in shared/storage/table.ts: string partition and sort
 * keys, every item kind distinguished by key prefixes, no indexes, and a TTL attribute (epoch
 * seconds) for items that may lapse; items without it live forever.
 */
export class CrossliftTable extends Construct {
  /** The DynamoDB table. */
  readonly table: Table;

  constructor(scope: Construct, id: string, props: CrossliftTableProps) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_SCHEMA.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_SCHEMA.sortKey, type: AttributeType.STRING },
      // Traffic is bursty (a drop, a weekly report) and small: on-demand costs nothing when idle.
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.key,
      timeToLiveAttribute: TABLE_SCHEMA.timeToLiveAttribute,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }
}
