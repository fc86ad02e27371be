import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const EXAMPLE = join(root, 'examples', 'joint-course');

/** Runs the real CLI; resolves with its exit code and output whatever the code. */
const crosslift = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['bin/crosslift.mjs', ...args], { cwd: root, maxBuffer: 1 << 24 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

const temp = () => mkdtempSync(join(tmpdir(), 'crosslift-cli-'));

describe('crosslift validate', () => {
  it('accepts a good file (exit 0) and prints what would be ingested per day', async () => {
    const dir = temp();
    const file = join(dir, 'ok.csv');
    writeFileSync(file, 'user_id,submitted_at,rating\nu1,2026-11-02,5\nu2,2026-11-02,3\nu3,2026-11-03T01:00:00Z,4\n');
    const { code, stdout } = await crosslift('validate', file, '--dataset', 'feedback', '--timezone', 'Asia/Shanghai', '--json');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({ status: 'accepted', rows: 3, rejectedRows: 0 });
    expect(out.days).toEqual([
      { day: '2026-11-02', totals: { rows: 2, rating: 8, rating_sq: 34, nps_n: 0, promoters: 0, detractors: 0 } },
      { day: '2026-11-03', totals: { rows: 1, rating: 4, rating_sq: 16, nps_n: 0, promoters: 0, detractors: 0 } },
    ]);
  });

  it('rejects a bad file (exit 1) naming line and column, and a usage error exits 2', async () => {
    const dir = temp();
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'user_id,submitted_at,rating\nu1,2026-11-02,9\n');
    const partial = join(dir, 'partial.csv');
    writeFileSync(partial, `user_id,submitted_at,rating\n${Array.from({ length: 30 }, (_, i) => `u${i},2026-11-02,4`).join('\n')}\nx,2026-11-02,0\n`);
    const partly = await crosslift('validate', partial, '--dataset', 'feedback', '--json');
    expect(partly.code).toBe(1);
    expect(JSON.parse(partly.stdout)).toMatchObject({ status: 'partial', rejectedRows: 1, errors: [{ line: 32, column: 'rating' }] });
    const bad = await crosslift('validate', file, '--dataset', 'feedback');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('line 2, column rating: expected a whole number from 1 to 5');
    const usage = await crosslift('validate', file, '--dataset', 'nope');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('validate needs --dataset');
  });
});

describe('crosslift model', () => {
  it('works through the published example: M = 2970', async () => {
    const dir = temp();
    const input = join(dir, 'model.json');
    writeFileSync(
      input,
      JSON.stringify({
        users: 1_000_000, brand: 100_000, marketUsers: 10_000_000, marketBrand: 500_000,
        capability: { storage: 100, processing: 100, analysis: 100 }, alpha: [0.8, 0.2, 0.0],
        records: [200, 300, 400], beta: [0.5, 0.3, 0.2],
      }),
    );
    const { code, stdout } = await crosslift('model', '--input', input, '--json');
    expect(code).toBe(0);
    // By hand: S = 0.1, S' = 0.2, A_C = 80 + 20 + 0 = 100, A_A = 100 + 90 + 80 = 270, M = 0.11 * 100 * 270 = 2970.
    const { result } = JSON.parse(stdout);
    expect(result.marketShare).toBeCloseTo(0.1, 12);
    expect(result.brandShare).toBeCloseTo(0.2, 12);
    expect(result.capabilityScore).toBeCloseTo(100, 12);
    expect(result.recommendationScore).toBeCloseTo(270, 12);
    expect(result.effectScore).toBeCloseTo(2970, 9);
  });
});

describe('crosslift run with a bad config', () => {
  it('stops with the file, line, path and what was expected, and no stack trace', async () => {
    const dir = temp();
    const config = readFileSync(join(EXAMPLE, 'crosslift.config.yaml'), 'utf8').replace('timezone: Asia/Shanghai', 'timezone: Mars/Olympus');
    writeFileSync(join(dir, 'crosslift.config.yaml'), config);
    const line = config.split('\n').findIndex((l) => l.includes('Mars/Olympus')) + 1;
    const { code, stderr } = await crosslift('run', '--data', dir);
    expect(code).toBe(1);
    expect(stderr).toContain(`crosslift.config.yaml:${line}: cooperations[0].timezone: expected an IANA timezone`);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('crosslift report', () => {
  it('recomputes past periods and stores them; --out writes the report JSON and the emails', async () => {
    const out = temp();
    const { code, stdout } = await crosslift('report', '--data', EXAMPLE, '--cooperation', 'joint-course', '--from', '2026-W44', '--to', '2026-W45', '--out', out, '--json');
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.reports.map((r: { period: { label: string } }) => r.period.label)).toEqual(['2026-W44', '2026-W45']);
    const stored = JSON.parse(readFileSync(join(out, 'joint-course-2026-W44.json'), 'utf8'));
    expect(stored.report.manifest.files.length).toBeGreaterThan(0);
    expect(stored.report.manifest.metricsVersion).toBe('2');
    expect(stored.revision).toBe(1);
  });
});
