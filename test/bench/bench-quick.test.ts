import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * `npm run bench -- --quick --json` in a child process: the report has its fields, and our
 * path, DuckDB and the naive path computed the same per-day totals from the same files (clean
 * and messy CSV, NDJSON, and their gzip copies): a correctness cross-check of analyseFile
 * against an independent engine. No timing is asserted.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

type Totals = Record<string, Record<string, number>>;

const expectSameTotals = (actual: Totals, expected: Totals) => {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [day, measures] of Object.entries(expected)) {
    expect(Object.keys(actual[day]!).sort()).toEqual(Object.keys(measures).sort());
    for (const [name, value] of Object.entries(measures)) {
      const got = actual[day]![name]!;
      // Counts are exact; sums of decimals may differ in the last bits with the order of addition.
      if (Number.isInteger(value) && Number.isInteger(got) && !/revenue|score|sq/.test(name)) expect(got).toBe(value);
      else expect(Math.abs(got - value)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(value)));
    }
  }
};

describe('npm run bench -- --quick --json', () => {
  it('reports every path and the same per-day totals from ours, DuckDB and the naive loop', () => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'run.ts'), '--quick', '--json'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(child.status, child.stderr).toBe(0);
    const report = JSON.parse(child.stdout.trim().split('\n').pop()!);

    expect(report).toMatchObject({
      machine: { cpu: expect.any(String), cores: expect.any(Number), node: process.version },
      rows: 50_000,
      runs: 2,
      quick: true,
    });
    for (const shape of ['clean', 'messy']) {
      expect(report.rss.find((r: { shape: string }) => r.shape === shape)).toMatchObject({
        bytes: expect.any(Number),
        rows: expect.any(Number),
        peakRssMiB: expect.any(Number),
        baselineRssMiB: expect.any(Number),
      });
    }
    // DynamoDB cost grows with the days a file covers, not with its rows: 31 day items plus a few records.
    expect(report.pipeline.cost).toMatchObject({ rows: 10_000, days: 31 });
    expect(report.pipeline.cost.itemsWritten).toBeGreaterThanOrEqual(31);
    expect(report.pipeline.cost.itemsWritten).toBeLessThan(31 + 15);
    // A report reads DynamoDB a constant, small number of times, whether partners deliver a
    // file a month or a file a day, and reads about as many bytes (the period's files only).
    const monthly = report.pipeline.report;
    const daily = report.pipeline.reportDaily;
    expect(daily.files).toBeGreaterThan(20 * monthly.files);
    expect(monthly.dynamodbReadRequests.max).toBeLessThanOrEqual(16);
    expect(daily.dynamodbReadRequests.median).toBe(monthly.dynamodbReadRequests.median);
    expect(daily.bytesRead.median).toBeLessThan(4 * monthly.bytesRead.median);
    expect(daily.handlerMs.median).toBeGreaterThan(0);
    for (const name of ['ingest', 'report', 'reconcile', 'failure-notice']) {
      expect(report.pipeline.bundles[name].bytes).toBeGreaterThan(10_000);
    }
    for (const key of ['csv', 'csvMessy', 'csvGzip', 'csvMessyGzip', 'ndjson', 'ndjsonGzip'] as const) {
      const r = report.files[key];
      expect(r.file).toMatchObject({ rows: 50_000, bytes: expect.any(Number) });
      const paths =
        key === 'csv' || key === 'ndjson' ? (['ours', 'duckdb', 'naive'] as const) : (['ours', 'duckdb'] as const);
      for (const path of paths) {
        expect(r[path]).toMatchObject({
          median: expect.any(Number),
          min: expect.any(Number),
          max: expect.any(Number),
          rowsPerSecond: expect.any(Number),
        });
        expect(r[path].seconds).toHaveLength(2);
      }
      expect(r.ratios.oursOverDuckdb).toMatchObject({
        median: expect.any(Number),
        min: expect.any(Number),
        max: expect.any(Number),
      });
      if (key.endsWith('Gzip')) expect(r.ratios.gzipOverPlain.ours).toMatchObject({ median: expect.any(Number) });

      // The cross-check: every day, every measure, against DuckDB (and the naive loop where it ran).
      const days = Object.keys(r.totals.ours);
      expect(days.length).toBeGreaterThan(30);
      expectSameTotals(r.totals.ours, r.totals.duckdb);
      if (r.totals.naive) expectSameTotals(r.totals.ours, r.totals.naive);
      const rowsCounted = Object.values(r.totals.ours as Totals).reduce((n, m) => n + m.rows!, 0);
      expect(rowsCounted).toBe(50_000);
    }
    // The gzip copies hold the same rows: the same totals as their plain files.
    expectSameTotals(report.files.csvGzip.totals.ours, report.files.csv.totals.ours);
    expectSameTotals(report.files.ndjsonGzip.totals.ours, report.files.ndjson.totals.ours);
    expect(report.rss[0].rows).toBeGreaterThan(0);

    // The built CLI as whole processes: timings are reported (not judged here), and its
    // `validate --json` printed the same per-day totals as the whole-process DuckDB script.
    for (const key of [
      'nodeMs',
      'versionMs',
      'versionOverNode',
      'validateOneRowMs',
      'validateOneRowOverNode',
    ] as const) {
      expect(report.startup[key]).toMatchObject({
        median: expect.any(Number),
        min: expect.any(Number),
        max: expect.any(Number),
      });
    }
    expect(report.startup.large.crossliftOverDuckdb.median).toBeGreaterThan(0);
    expectSameTotals(report.startup.large.totals.crosslift, report.startup.large.totals.duckdb);
    expectSameTotals(report.startup.large.totals.crosslift, report.files.csv.totals.ours);
    expect(report.startup.largeMessy.crossliftOverDuckdb.median).toBeGreaterThan(0);
    expectSameTotals(report.startup.largeMessy.totals.crosslift, report.startup.largeMessy.totals.duckdb);
    expectSameTotals(report.startup.largeMessy.totals.crosslift, report.files.csvMessy.totals.ours);
    // A whole quick benchmark in a child process: ~20 s alone, several times that on a busy machine.
  }, 240_000);
});
