import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

describe('crosslift dev', () => {
  it('prints its endpoints, ingests an upload as it arrives, and stops cleanly on Ctrl-C', async () => {
    // Prepare: the sandbox on free ports, without seeding the example's files.
    const child = spawn(
      process.execPath,
      ['bin/crosslift.mjs', 'dev', '--data', 'examples/joint-course', '--no-seed', '--s3-port', '0', '--ses-port', '0', '--dynamodb-port', '0'],
      { cwd: root },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const waitFor = async (text: string) => {
      for (let i = 0; i < 300 && !out.includes(text); i += 1) await new Promise((r) => setTimeout(r, 50));
      expect(out).toContain(text);
    };
    await waitFor('Press Ctrl-C');
    const endpoint = /S3\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
    expect(out).toMatch(/schedule\s+joint-course: "0 6 \* \* 1" in Asia\/Shanghai, next 20\d\d-/);

    // Act: a partner uploads with its own S3 client, as `aws s3 cp --endpoint-url` would.
    const s3 = new S3Client({
      region: 'us-east-1',
      endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    await s3.send(
      new PutObjectCommand({
        Bucket: 'crosslift-local',
        Key: 'inbox/joint-course/zhixue/feedback/new answers.csv',
        Body: 'user_id,submitted_at,rating\nu1,2026-11-20,5\nu2,2026-11-20,4\n',
      }),
    );
    s3.destroy();
    await waitFor('ingested inbox/joint-course/zhixue/feedback/new answers.csv: accepted (2 rows, 0 rejected)');
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));

    // Assess
    expect(code).toBe(0);
    expect(out).toContain('stopped');
  });
});
