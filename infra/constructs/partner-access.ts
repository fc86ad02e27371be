import { Aws } from 'aws-cdk-lib';
import { AccountPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { Cooperation, Partner } from '../../shared/config/schema';
import { INBOX_PREFIX, REJECTED_PREFIX } from '../../shared/ingest/keys';

export interface PartnerAccessProps {
  /** The owner's drop bucket. */
  readonly bucket: IBucket;
  /** The key the bucket is encrypted with. */
  readonly key: IKey;
  /**
   * The bucket's ARN built from its name, not from the bucket resource (see dropBucketName): the
   * key policy names it, and the bucket already references the key.
   */
  readonly bucketArnByName: string;
  /** The owner's id: its own principals are governed by IAM in this account, not by these policies. */
  readonly ownerId: string;
  /** The owner's cooperations. */
  readonly cooperations: readonly Cooperation[];
  /** The partners those cooperations involve; those with `awsAccountId` get access. */
  readonly partners: readonly Partner[];
}

/** One cross-account grant: which account may drop into which prefix. */
export interface PartnerGrant {
  readonly cooperationId: string;
  readonly partnerId: string;
  readonly accountId: string;
  /**
   * Where the partner may put objects: `inbox/<cooperation>/<partner>/`, or one
   * `inbox/<cooperation>/<partner>/<dataset>/` per dataset when the cooperation names what it delivers.
   */
  readonly uploadPrefixes: readonly string[];
  /** `reports/rejected/inbox/<cooperation>/<partner>/`: where it may read its rejection reports. */
  readonly rejectionPrefix: string;
}

const pascal = (id: string) =>
  id
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

/** The grants a config implies: every (cooperation, partner) pair whose partner has an AWS account. */
export const partnerGrants = (
  props: Pick<PartnerAccessProps, 'ownerId' | 'cooperations' | 'partners'>,
): PartnerGrant[] =>
  props.cooperations.flatMap((cooperation) =>
    cooperation.partners.flatMap((partnerId) => {
      const partner = props.partners.find((p) => p.id === partnerId);
      if (!partner?.awsAccountId || partner.id === props.ownerId) return [];
      const prefix = `${INBOX_PREFIX}${cooperation.id}/${partner.id}/`;
      const delivers = cooperation.delivers?.[partner.id];
      return [
        {
          cooperationId: cooperation.id,
          partnerId: partner.id,
          accountId: partner.awsAccountId,
          uploadPrefixes: delivers ? delivers.map((dataset) => `${prefix}${dataset}/`) : [prefix],
          rejectionPrefix: `${REJECTED_PREFIX}${prefix}`,
        },
      ];
    }),
  );

/**
 * Lets partners in other AWS accounts drop files under their own prefix of the owner's bucket
 * (only under the datasets they deliver, when the cooperation names them: the ingest refuses the
 * others at routing too) and read the rejection reports of their own files. Nothing grants listing: a partner knows
 * the keys it wrote, and a listing would show other partners' file names.
 */
export class PartnerAccess extends Construct {
  /** The grants written into the bucket policy. */
  readonly grants: readonly PartnerGrant[];

  constructor(scope: Construct, id: string, props: PartnerAccessProps) {
    super(scope, id);
    this.grants = partnerGrants(props);
    const sids = new Set<string>();
    const sid = (kind: string, grant: PartnerGrant) => {
      const value = `${kind}${pascal(grant.cooperationId)}${pascal(grant.partnerId)}`;
      // Sids must be unique in a policy; distinct ids that only differ in dashes would collide.
      if (sids.has(value)) throw new Error(`partner access: two grants would share the policy Sid ${value}`);
      sids.add(value);
      return value;
    };

    for (const grant of this.grants) {
      const principal = new AccountPrincipal(grant.accountId);
      props.bucket.addToResourcePolicy(
        new PolicyStatement({
          sid: sid('PartnerUpload', grant),
          effect: Effect.ALLOW,
          principals: [principal],
          // AbortMultipartUpload lets `aws s3 cp` clean up a large upload that failed half-way.
          actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
          resources: grant.uploadPrefixes.map((prefix) => props.bucket.arnForObjects(`${prefix}*`)),
        }),
      );
      props.bucket.addToResourcePolicy(
        new PolicyStatement({
          sid: sid('PartnerRejections', grant),
          effect: Effect.ALLOW,
          principals: [principal],
          actions: ['s3:GetObject'],
          resources: [props.bucket.arnForObjects(`${grant.rejectionPrefix}*`)],
        }),
      );
    }

    // The key policy is per account (a key policy cannot name prefixes; the bucket policy does).
    // It is limited to use through S3 in this region, for this bucket: S3 passes the bucket's ARN
    // as encryption context (the object's ARN when an upload turns S3 Bucket Keys off). S3
    // SSE-KMS needs GenerateDataKey to upload and Decrypt to complete a multipart upload and to
    // read a rejection report; it never calls Encrypt.
    for (const accountId of [...new Set(this.grants.map((g) => g.accountId))]) {
      props.key.addToResourcePolicy(
        new PolicyStatement({
          sid: `PartnerAccount${accountId}ThroughS3`,
          effect: Effect.ALLOW,
          principals: [new AccountPrincipal(accountId)],
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: ['*'],
          conditions: {
            StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` },
            StringLike: { 'kms:EncryptionContext:aws:s3:arn': [props.bucketArnByName, `${props.bucketArnByName}/*`] },
          },
        }),
      );
    }
  }
}
