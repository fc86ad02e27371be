import { S3Client } from '@aws-sdk/client-s3';
import { GetSuppressedDestinationCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { ingestRuntimeFromEnv, noticeRuntimeFromEnv, reportRuntimeFromEnv } from '../../../shared/runtime/from-env';
import { lazyAsync } from '../../../shared/runtime/lazy';
import { testConfig } from '../../support/harness';

/**
 * The deployed functions' runtimes: built at the first invocation with only the clients each
 * function uses (the SDK packages load then, not when the bundle is imported: test/bench/
 * bundles.test.ts); the ingest's SES client is built on its first send.
 */
const env = {
  AWS_REGION: 'eu-west-1',
  CROSSLIFT_TABLE: 'table',
  CROSSLIFT_BUCKET: 'bucket',
  CROSSLIFT_CONFIG: JSON.stringify(testConfig()),
};
const log = new Logger({ logLevel: 'SILENT' });

describe('runtimes from the environment', () => {
  it('ingest: S3 and DynamoDB clients at once, SES on its first send', async () => {
    const runtime = await ingestRuntimeFromEnv(log, env);
    expect(runtime.bucket).toMatchObject({ bucket: 'bucket' });
    expect(runtime.bucket.s3).toBeInstanceOf(S3Client);
    expect(runtime.table).toMatchObject({ tableName: 'table' });
    expect(runtime.table.db).toBeInstanceOf(DynamoDBDocumentClient);
    expect(runtime.ses).not.toBeInstanceOf(SESv2Client);
    const mock = mockClient(SESv2Client);
    try {
      mock.on(GetSuppressedDestinationCommand).resolves({
        SuppressedDestination: { EmailAddress: 'a@b.example', Reason: 'BOUNCE', LastUpdateTime: new Date() },
      });
      const out = await runtime.ses.send(new GetSuppressedDestinationCommand({ EmailAddress: 'a@b.example' }));
      expect(out.SuppressedDestination?.Reason).toBe('BOUNCE');
      expect(mock.calls()).toHaveLength(1);
    } finally {
      mock.restore();
      runtime.clients.destroy();
    }
  });

  it('report and failure notice: DynamoDB and SES, no S3 client and no bucket', async () => {
    for (const runtime of [await reportRuntimeFromEnv(log, env), await noticeRuntimeFromEnv(log, env)]) {
      expect(Object.keys(runtime.clients).sort()).toEqual(['destroy', 'dynamodb', 'ses']);
      expect(runtime.ses).toBeInstanceOf(SESv2Client);
      expect('bucket' in runtime).toBe(false);
      runtime.clients.destroy();
    }
  });

  it('a bad environment fails the invocation, and the next one tries again', async () => {
    let calls = 0;
    const get = lazyAsync(async () => {
      calls += 1;
      return ingestRuntimeFromEnv(log, calls === 1 ? { ...env, CROSSLIFT_TABLE: '' } : env);
    });
    await expect(get()).rejects.toThrow(/CROSSLIFT_TABLE/);
    const runtime = await get();
    expect(await get()).toBe(runtime);
    expect(calls).toBe(2);
    runtime.clients.destroy();
  });
});
