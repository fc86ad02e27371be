import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { dynamoDbClientLib, dynamoDbLib, s3Lib, sesLib } from './sdk';

/**
 * Where the AWS clients point. In Lambda only `region` is set and the SDK finds credentials
 * and endpoints itself; the embedded local stack passes its loopback endpoints and dummy keys.
 * This is the only module that knows the difference.
 */
export const awsSettingsSchema = z.object({
  region: z.string().min(1),
  endpoints: z.object({ s3: z.url().optional(), dynamodb: z.url().optional(), sesv2: z.url().optional() }).default({}),
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

export type AwsClientName = 's3' | 'dynamodb' | 'ses';

/** The SDK classes the clients are built from. */
export interface AwsSdk {
  readonly S3Client: typeof S3Client;
  readonly DynamoDBClient: typeof DynamoDBClient;
  readonly DynamoDBDocumentClient: typeof DynamoDBDocumentClient;
  readonly SESv2Client: typeof SESv2Client;
}

type Builders = { readonly [K in AwsClientName]: (sdk: AwsSdk) => AwsClients[K] };

/** How each client is built for these settings (AWS or the local stack). */
const builders = (input: AwsSettings): Builders => {
  const settings = awsSettingsSchema.parse(input);
  const common = {
    region: settings.region,
    maxAttempts: settings.maxAttempts,
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
  };
  return {
    s3: (sdk) =>
      new sdk.S3Client({
        ...common,
        ...(settings.endpoints.s3 ? { endpoint: settings.endpoints.s3, forcePathStyle: true } : {}),
        // s3rver stores a streamed PutObject with the SDK's default `aws-chunked` checksum framing
        // inside the object (silently corrupting it), and returns no checksums to validate.
        // WHEN_REQUIRED sends checksums only where S3 demands them; real S3 behaves the same.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      }),
    dynamodb: (sdk) =>
      sdk.DynamoDBDocumentClient.from(
        new sdk.DynamoDBClient({
          ...common,
          ...(settings.endpoints.dynamodb ? { endpoint: settings.endpoints.dynamodb } : {}),
        }),
        { marshallOptions: { removeUndefinedValues: true } },
      ),
    ses: (sdk) =>
      new sdk.SESv2Client({ ...common, ...(settings.endpoints.sesv2 ? { endpoint: settings.endpoints.sesv2 } : {}) }),
  };
};

/**
 * All three clients from SDK classes already loaded: the embedded local stack imports them
 * statically (it runs every function in one process, and its tests reach into the clients).
 */
export const createAwsClients = (input: AwsSettings, sdk: AwsSdk): AwsClients => {
  const build = builders(input);
  const s3 = build.s3(sdk);
  const dynamodb = build.dynamodb(sdk);
  const ses = build.ses(sdk);
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

/** The SDK classes one client needs, imported on first use (see ./sdk.ts). */
const loadSdkFor = async (name: AwsClientName): Promise<AwsSdk> => {
  if (name === 's3') return { S3Client: (await s3Lib()).S3Client } as AwsSdk;
  if (name === 'ses') return { SESv2Client: (await sesLib()).SESv2Client } as AwsSdk;
  const [client, lib] = await Promise.all([dynamoDbClientLib(), dynamoDbLib()]);
  return { DynamoDBClient: client.DynamoDBClient, DynamoDBDocumentClient: lib.DynamoDBDocumentClient } as AwsSdk;
};

/**
 * A client built on its first `send` (its package imported then): for a client a function
 * may not need on most invocations, such as the ingest's SES (rejection emails only). It has
 * `send` and `destroy` only, which is all the adapters use of a client.
 */
const deferredClient = <K extends AwsClientName>(build: (sdk: AwsSdk) => AwsClients[K], name: K): AwsClients[K] => {
  let client: Promise<AwsClients[K]> | undefined;
  let built: AwsClients[K] | undefined;
  const get = () =>
    (client ??= loadSdkFor(name)
      .then((sdk) => (built = build(sdk)))
      .catch((error: unknown) => {
        client = undefined;
        throw error;
      }));
  const facade = {
    send: async (command: unknown, ...rest: unknown[]) =>
      ((await get()) as { send(...args: unknown[]): Promise<unknown> }).send(command, ...rest),
    destroy: () => built?.destroy(),
  };
  return facade as unknown as AwsClients[K];
};

/**
 * The clients a deployed function uses, each package imported when this is first called (at the
 * first invocation, not at cold start): `now` are built at once, `deferred` on their first send.
 */
export const loadAwsClients = async <Now extends AwsClientName, Deferred extends AwsClientName = never>(
  input: AwsSettings,
  now: readonly Now[],
  deferred: readonly Deferred[] = [],
): Promise<Pick<AwsClients, Now | Deferred> & { destroy(): void }> => {
  const build = builders(input);
  const clients: Partial<Record<AwsClientName, AwsClients[AwsClientName]>> = {};
  await Promise.all(
    now.map(async (name) => {
      clients[name] = build[name](await loadSdkFor(name)) as never;
    }),
  );
  for (const name of deferred) clients[name] = deferredClient(build[name] as never, name) as never;
  return {
    ...(clients as Pick<AwsClients, Now | Deferred>),
    destroy: () => {
      for (const client of Object.values(clients)) client.destroy();
    },
  };
};
