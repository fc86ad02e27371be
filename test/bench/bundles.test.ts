import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildLambdaBundle, coldImport, LAMBDA_FUNCTIONS } from '../../bench/pipeline';

/**
 * The Lambda bundles as the CDK stack builds them: importing one (a cold start) loads no AWS
 * SDK package (each loads on first use, shared/aws/sdk.ts), and the report bundle stays under
 * 300 KiB. Import times are the benchmark's to report, not asserted here.
 */
const dir = mkdtempSync(join(import.meta.dirname, '..', '..', '.bench-bundles-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Lambda bundles', () => {
  it.each(LAMBDA_FUNCTIONS)('%s: importing the bundle loads no AWS SDK package', async (fn) => {
    const file = join(dir, `${fn}.mjs`);
    const bytes = await buildLambdaBundle(fn, file);
    if (fn === 'report') expect(bytes).toBeLessThan(300 * 1024);
    const { sdk } = coldImport(file);
    expect(sdk).toEqual([]);
  });
});
