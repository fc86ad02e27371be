import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countedTotals, testConfig, harnessPerTest, type Harness } from '../support/harness';

const root = join(import.meta.dirname, '..', '..');

/** Runs the real ingest handler in a child process; kills it with SIGKILL after `killAfterMs` unless it ends first. */
const ingestInChild = (h: Harness, event: unknown, killAfterMs: number | undefined) =>
  new Promise<'done' | 'killed'>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/ingest-child.ts', JSON.stringify(event)], {
      cwd: root,
      env: {
        ...process.env,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: h.stack.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: h.stack.credentials.secretAccessKey,
        AWS_ENDPOINT_URL_S3: h.stack.endpoints.s3,
        AWS_ENDPOINT_URL_DYNAMODB: h.stack.endpoints.dynamodb,
        AWS_ENDPOINT_URL_SESV2: h.stack.endpoints.sesv2,
        AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
        AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
        CROSSLIFT_TABLE: h.stack.tableName,
        CROSSLIFT_BUCKET: h.stack.bucketName,
        CROSSLIFT_CONFIG: JSON.stringify(h.config),
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(out.includes('done') ? 'done' : 'killed');
    });
  });

// A 60-day file of 20,000 rows: amount i % 7 + 1 on day i % 60.
const ROWS = 20_000;
const DAYS = 60;
const bigFile = () => {
  const lines = ['user_id,course_id,enrolled_at,channel,amount'];
  for (let i = 0; i < ROWS; i += 1) {
    const d = new Date(Date.UTC(2026, 8, 1) + (i % DAYS) * 86_400_000).toISOString().slice(0, 10);
    lines.push(`u${i},c,${d},ad,${(i % 7) + 1}`);
  }
  return `${lines.join('\n')}\n`;
};
const expectedRevenue = () => {
  let sum = 0;
  for (let i = 0; i < ROWS; i += 1) sum += (i % 7) + 1;
  return sum;
};

describe('SIGKILL during ingest', () => {
  const start = harnessPerTest();

  it('leaves exact totals once the event is redelivered, wherever the process died', async () => {
    // Prepare: hold the S3 event; the ingest runs only in child processes.
    const held: unknown[] = [];
    const h = await start(testConfig(), { deliver: (event) => held.push(event) });
    await h.put('inbox/coop/platform/enrollments/big.csv', bigFile());
    expect(held).toHaveLength(1);

    // Measure one clean run, then kill runs at points spread over its duration.
    const started = Date.now();
    expect(await ingestInChild(h, held[0], undefined)).toBe('done');
    const fullMs = Date.now() - started;
    await h.put(
      'inbox/coop/platform/enrollments/big.csv',
      bigFile().replace('u0,c,2026-09-01,ad,1', 'u0,c,2026-09-01,ad,1001'),
    );
    const second = held[1]!;
    const outcomes: string[] = [];
    for (const fraction of [0.3, 0.5, 0.7, 0.85, 0.95]) {
      // Act: kill version 2's ingest part-way, then redeliver the event (Lambda's retry).
      outcomes.push(await ingestInChild(h, second, Math.round(fullMs * fraction)));
      const mid = await countedTotals(h, 'enrollments');
      // Between kill and retry the totals are either version 1's or version 2's, never a mix.
      expect([expectedRevenue(), expectedRevenue() + 1000]).toContain(mid.revenue);
    }
    expect(await ingestInChild(h, second, undefined)).toBe('done');

    // Assess: exactly version 2.
    const totals = await countedTotals(h, 'enrollments');
    expect(totals).toMatchObject({ rows: ROWS, enrollments: ROWS, revenue: expectedRevenue() + 1000 });
    expect(outcomes).toContain('killed');
  });
});
