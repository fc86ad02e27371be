import { Logger } from '@aws-lambda-powertools/logger';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { startLocalStack } from '../../../cli/local-stack';
import { configSchema } from '../../../shared/config/schema';
import { createLocalRuntime } from '../../../shared/runtime/runtime';
import { listObjects } from '../../../shared/storage/objects';
import { testConfig } from '../../support/harness';

describe('listObjects', () => {
  it('lists every key exactly as stored: CR, LF, tab, +, %, spaces and non-ASCII survive the listing', async () => {
    // Prepare
    const stack = await startLocalStack();
    const { aws, tableName, bucketName } = stack;
    const config = configSchema.parse(testConfig());
    const runtime = createLocalRuntime({ aws, tableName, bucketName, config }, new Logger({ logLevel: 'SILENT' }));
    const keys = ['inbox/a\r\nb.csv', 'inbox/c\nd.csv', 'inbox/e\tf.csv', 'inbox/g+h %25 i.csv', 'inbox/报名 ü.csv'];
    try {
      for (const key of keys) {
        await runtime.clients.s3.send(new PutObjectCommand({ Bucket: stack.bucketName, Key: key, Body: 'x' }));
      }
      // Act
      const listed = await listObjects(runtime.bucket, 'inbox/');
      // Assess
      expect(listed.map((o) => o.key).sort()).toEqual([...keys].sort());
    } finally {
      runtime.clients.destroy();
      await stack.stop();
    }
  });
});
