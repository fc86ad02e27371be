import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { crosslift, EXAMPLE, ROOT as root } from '../../support/cli';

describe('crosslift dev', () => {
  it("prints its endpoints and schedule times in the cooperation's timezone, ingests an upload made with any credentials, and stops cleanly on Ctrl-C", async () => {
    // Prepare: the sandbox on free ports, without seeding the example's files.
    const child = spawn(
      process.execPath,
      [
        'bin/crosslift.mjs',
        'dev',
        '--data',
        'examples/joint-course',
        '--no-seed',
        '--s3-port',
        '0',
        '--ses-port',
        '0',
        '--dynamodb-port',
        '0',
      ],
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
    // The next Monday 06:00 in Shanghai, written with Shanghai's offset.
    expect(out).toMatch(
      /schedule\s+joint-course: "0 6 \* \* 1" in Asia\/Shanghai, next 20\d\d-\d\d-\d\dT06:00:00\+08:00\n/,
    );

    // Act: a partner uploads with its own S3 client and its own (here made-up) credentials, as
    // `aws s3 cp --endpoint-url` would.
    const s3 = new S3Client({
      region: 'us-east-1',
      endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'AKIAPARTNEREXAMPLE', secretAccessKey: 'not-the-emulator-secret' },
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

  it('says in one line which port is taken and which option changes it (exit 2)', async () => {
    // Prepare: another process holds a port.
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      // Act
      const r = await crosslift([
        'dev',
        '--data',
        EXAMPLE,
        '--ses-port',
        String(port),
        '--s3-port',
        '0',
        '--dynamodb-port',
        '0',
      ]);
      // Assess
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `crosslift dev: port ${port} (SES) is already in use: choose another with --ses-port (0 picks any free port) (see 'crosslift dev --help')\n`,
      );
    } finally {
      blocker.close();
    }
  });
});
