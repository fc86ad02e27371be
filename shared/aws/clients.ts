import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import * as z from 'zod';

/**
 * Where the AWS clients point. In Lambda only `region` is set and the SDK finds credentials
 * and endpoints itself; the embedded local stack passes its loopback endpoints and dummy keys.
 * This is the only module that knows the difference.
 */
export const awsSettingsSchema = z.object({
  region: z.string().min(1),
  endpoints: z
    .object({ s3: z.url().optional(), dynamodb: z.url().optional(), sesv2: z.url().optional() })
    .default({}),
  credentials: z.object({ accessKeyId: z.string(), secretAccessKey: z.string() }).optional(),
  /** Retries of the SDK's standard retry strategy (with exponential backoff and jitter). */
  maxAttempts: z.int().positive().default(5),
});

export type AwsSettings = z.input<typeof awsSettingsSchema>;

export interface AwsClients {
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBDocumentClient;
  readonly ses: SESv2Client;
  destroy(): void;
}

export const createAwsClients = (input: AwsSettings): AwsClients => {
  const settings = awsSettingsSchema.parse(input);
  const common = {
    region: settings.region,
    maxAttempts: settings.maxAttempts,
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
  };
  const s3 = new S3Client({
    ...common,
    ...(settings.endpoints.s3 ? { endpoint: settings.endpoints.s3, forcePathStyle: true } : {}),
    // s3rver stores a streamed PutObject with the SDK's default `aws-chunked` checksum framing
    // inside the object (silently corrupting it), and returns no checksums to validate.
    // WHEN_REQUIRED sends checksums only where S3 demands them; real S3 behaves the same.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const dynamodb = DynamoDBDocumentClient.from(
    new DynamoDBClient({ ...common, ...(settings.endpoints.dynamodb ? { endpoint: settings.endpoints.dynamodb } : {}) }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  const ses = new SESv2Client({ ...common, ...(settings.endpoints.sesv2 ? { endpoint: settings.endpoints.sesv2 } : {}) });
  return {
    s3,
    dynamodb,
    ses,
    destroy: () => {
      s3.destroy();
      dynamodb.destroy();
      ses.destroy();
    },
  };
};
