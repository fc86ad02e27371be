import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach } from 'vitest';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createLocalPipeline, type LocalPipelineOptions, type LocalPipeline } from '../../cli/local-pipeline';
import { JOINT_COURSE } from './config';
import { startLocalStack, type LocalEmail, type LocalStack, type LocalStackOptions } from '../../cli/local-stack';
import { configSchema, type Config, type ConfigInput } from '../../shared/config/schema';

/** A running local stack with the pipeline wired to it, for tests that go through the real emulators. */
export interface Harness {
  readonly stack: LocalStack;
  readonly pipeline: LocalPipeline;
  readonly config: Config;
  put(key: string, body: string | Uint8Array): Promise<void>;
  remove(key: string): Promise<void>;
  get(key: string): Promise<string | undefined>;
  /** Emails of this harness's run (the SES emulator's store is shared by the process). */
  emails(): Promise<LocalEmail[]>;
  close(): Promise<void>;
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/**
 * Starts a harness for each test that asks for one and closes it after the test, passed or
 * failed. Call once per describe block: `const start = harnessPerTest();` then
 * `const h = await start(testConfig());` in a test.
 */
export const harnessPerTest = () => {
  let current: Harness | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return async (...args: Parameters<typeof startHarness>): Promise<Harness> => (current = await startHarness(...args));
};

export const startHarness = async (
  input: ConfigInput,
  options: LocalPipelineOptions = {},
  stackOptions: LocalStackOptions & { logLevel?: 'DEBUG' | 'INFO' | 'SILENT' } = {},
): Promise<Harness> => {
  const config = configSchema.parse(input);
  // CROSSLIFT_TEST_DYNAMODB=dynamodb-local runs the same tests against Amazon's DynamoDB Local.
  const emulator = process.env.CROSSLIFT_TEST_DYNAMODB === 'dynamodb-local' ? 'dynamodb-local' : 'dynalite';
  const stack = await startLocalStack({ dynamodb: emulator, ...stackOptions });
  const logger = new Logger({ serviceName: 'crosslift-test', logLevel: stackOptions.logLevel ?? 'SILENT' });
  const pipeline = createLocalPipeline(stack, config, logger, { retryDelayMs: 5, ...options });
  const s3 = pipeline.runtime.clients.s3;
  const startedAt = Math.floor(Date.now() / 1000) - 1;
  const recipients = new Set([
    ...config.partners.flatMap((p) => p.contacts),
    ...config.cooperations.flatMap((c) => c.recipients ?? []),
  ]);
  return {
    stack,
    pipeline,
    config,
    put: async (key, body) => {
      await s3.send(new PutObjectCommand({ Bucket: stack.bucketName, Key: key, Body: body }));
    },
    remove: async (key) => {
      await s3.send(new DeleteObjectCommand({ Bucket: stack.bucketName, Key: key }));
    },
    get: async (key) => {
      try {
        const out = await s3.send(new GetObjectCommand({ Bucket: stack.bucketName, Key: key }));
        return await out.Body?.transformToString();
      } catch (error) {
        if ((error as Error).name === 'NoSuchKey') return undefined;
        throw error;
      }
    },
    emails: async () =>
      (await stack.sentEmails()).filter((e) => e.at >= startedAt && e.destination.to.some((to) => recipients.has(to))),
    close: async () => {
      await pipeline.stop();
      await stack.stop();
    },
  };
};

/** A small two-partner config; ids and addresses are unique per call so tests never see each other's mail. */
let counter = 0;
export const testConfig = (overrides: Partial<ConfigInput['cooperations'][number]> = {}): ConfigInput => {
  counter += 1;
  const tag = `${process.pid}-${counter}`;
  return {
    partners: [
      {
        id: 'platform',
        name: 'Platform <b>&</b> Co',
        kind: 'knowledge_platform',
        contacts: [`platform-${tag}@platform.example`],
        sender: `reports-${tag}@platform.example`,
      },
      { id: 'school', name: 'School', kind: 'training_institution', contacts: [`school-${tag}@school.example`] },
    ],
    cooperations: [{ ...JOINT_COURSE, partners: [...JOINT_COURSE.partners], ...overrides }],
  };
};

export const header = (email: LocalEmail, name: string) =>
  email.headers?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;

import { fileIdOf, listFileRecords } from '../../shared/storage/file-ledger';
import { queryDayAggregates } from '../../shared/storage/day-aggregates';
import { activeGenerations, sumAggregates } from '../../shared/report/totals';
import type { DatasetName } from '../../shared/datasets/names';

/** The counted totals of one dataset as the report would read them from DynamoDB. */
export const countedTotals = async (
  h: Harness,
  dataset: DatasetName,
  range: { from: string; to: string } = { from: '2000-01-01', to: '2099-12-31' },
  cooperationId = 'coop',
): Promise<Record<string, number>> => {
  const table = h.pipeline.runtime.table;
  const [files, aggregates] = await Promise.all([
    listFileRecords(table, cooperationId),
    queryDayAggregates(table, cooperationId, range.from, range.to),
  ]);
  return sumAggregates(aggregates, activeGenerations(files, fileIdOf), range.from, range.to).get(dataset)?.totals ?? {};
};
