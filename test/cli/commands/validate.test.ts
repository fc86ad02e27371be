import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listDataFiles } from '../../../cli/run';
import { crosslift, EXAMPLE, tempDir } from '../../support/cli';

const FEEDBACK_HEADER = 'user_id,submitted_at,rating';

/** Writes files into a fresh temp folder; returns the folder and each file's path. */
const files = (contents: Record<string, string>) => {
  const dir = tempDir();
  const paths = Object.fromEntries(
    Object.entries(contents).map(([name, text]) => {
      const path = join(dir, name);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, text);
      return [name, path];
    }),
  );
  return { dir, paths };
};

describe('crosslift validate: one file', () => {
  it('accepts a good file (exit 0) and prints what would be ingested per day in the given timezone', async () => {
    // Prepare: u3 answered at 16:30 UTC on the 2nd, 00:30 on the 3rd in Shanghai.
    const { paths } = files({
      'ok.csv': `${FEEDBACK_HEADER}\nu1,2026-11-02,5\nu2,2026-11-02,3\nu3,2026-11-02T16:30:00Z,4\n`,
    });
    // Act
    const { code, stdout } = await crosslift([
      'validate',
      paths['ok.csv']!,
      '--dataset',
      'feedback',
      '--timezone',
      'Asia/Shanghai',
      '--json',
    ]);
    // Assess
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.files).toHaveLength(1);
    expect(out.files[0]).toMatchObject({
      status: 'accepted',
      rows: 3,
      rejectedRows: 0,
      timezone: 'Asia/Shanghai',
      currency: 'CNY',
    });
    expect(out.files[0].days).toEqual([
      { day: '2026-11-02', totals: { rows: 2, rating: 8, rating_sq: 34, nps_n: 0, promoters: 0, detractors: 0 } },
      { day: '2026-11-03', totals: { rows: 1, rating: 4, rating_sq: 16, nps_n: 0, promoters: 0, detractors: 0 } },
    ]);
  });

  it('rejects a bad file (exit 1) naming line and column', async () => {
    // Prepare
    const { paths } = files({
      'bad.csv': `${FEEDBACK_HEADER}\nu1,2026-11-02,9\n`,
      'partial.csv': `${FEEDBACK_HEADER}\n${Array.from({ length: 30 }, (_, i) => `u${i},2026-11-02,4`).join('\n')}\nx,2026-11-02,0\n`,
    });
    // Act
    const [partly, bad] = await Promise.all([
      crosslift(['validate', paths['partial.csv']!, '--dataset', 'feedback', '--json']),
      crosslift(['validate', paths['bad.csv']!, '--dataset', 'feedback']),
    ]);
    // Assess
    expect(partly.code).toBe(1);
    expect(JSON.parse(partly.stdout).files[0]).toMatchObject({
      status: 'partial',
      rejectedRows: 1,
      errors: [{ line: 32, column: 'rating' }],
    });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('line 2, column rating: expected a whole number from 1 to 5');
  });

  it('prints the timezone and currency it assumed: on stderr, or in the JSON settings', async () => {
    // Prepare
    const { paths } = files({ 'ok.csv': `${FEEDBACK_HEADER}\nu1,2026-11-02,5\n` });
    // Act
    const [text, json] = await Promise.all([
      crosslift(['validate', paths['ok.csv']!, '--dataset', 'feedback', '--currency', 'EUR']),
      crosslift(['validate', paths['ok.csv']!, '--dataset', 'feedback', '--json']),
    ]);
    // Assess
    expect(text.stderr).toBe(
      'crosslift validate: timezone UTC (default), currency EUR (--currency); set them with --timezone, --currency or --config\n',
    );
    expect(text.stdout).toMatch(/^.*ok\.csv: accepted \(1 of 1 rows taken\) {2}\[feedback, UTC, EUR\]$/m);
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout).settings).toEqual({
      timezone: 'UTC',
      timezoneFrom: 'default',
      currency: 'CNY',
      currencyFrom: 'default',
      config: null,
    });
  });
});

describe('crosslift validate: several files, globs and folders', () => {
  it('checks every file a shell glob gives it and exits 1 when any of them would lose rows', async () => {
    // Prepare: what `validate exports/*.csv` receives from the shell.
    const { paths } = files({
      'a.csv': `${FEEDBACK_HEADER}\nu1,2026-11-02,5\n`,
      'b.csv': `${FEEDBACK_HEADER}\nu1,2026-11-02,5\nu2,2026-11-02,7\n`,
      'c.csv': `${FEEDBACK_HEADER}\nu1,2026-11-03,4\n`,
    });
    const all = [paths['a.csv']!, paths['b.csv']!, paths['c.csv']!];
    // Act
    const [mixed, good, text] = await Promise.all([
      crosslift(['validate', ...all, '--dataset', 'feedback', '--json']),
      crosslift(['validate', paths['a.csv']!, paths['c.csv']!, '--dataset', 'feedback', '--json']),
      crosslift(['validate', ...all, '--dataset', 'feedback']),
    ]);
    // Assess
    expect(mixed.code).toBe(1);
    const out = JSON.parse(mixed.stdout);
    expect(out.files.map((f: { file: string; status: string }) => [f.file, f.status])).toEqual([
      [all[0], 'accepted'],
      [all[1], 'rejected'],
      [all[2], 'accepted'],
    ]);
    expect(out.summary).toEqual({ files: 3, accepted: 2, partial: 0, rejected: 1 });
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout).summary).toEqual({ files: 2, accepted: 2, partial: 0, rejected: 0 });
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`${all[1]}: rejected`);
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe('3 files: 2 accepted, 0 partial, 1 rejected');
  });

  it('searches a folder for data files and takes the dataset from a folder named after it', async () => {
    // Prepare
    const { dir } = files({
      'feedback/a.csv': `${FEEDBACK_HEADER}\nu1,2026-11-02,5\n`,
      'feedback/nested/b.ndjson': '{"user_id":"u2","submitted_at":"2026-11-02","rating":4}\n',
      'feedback/README.txt': 'not data',
    });
    // Act
    const r = await crosslift(['validate', join(dir, 'feedback'), '--json']);
    // Assess: nested/b.ndjson's folder is not a dataset name, so it needs --dataset.
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `cannot tell the dataset of ${join(dir, 'feedback', 'nested', 'b.ndjson')}: give --dataset`,
    );
    const withDataset = await crosslift(['validate', join(dir, 'feedback'), '--dataset', 'feedback', '--json']);
    expect(withDataset.code).toBe(0);
    expect(JSON.parse(withDataset.stdout).files.map((f: { rows: number }) => f.rows)).toEqual([1, 1]);
  });

  it('reads the drop layout inbox/<cooperation>/<partner>/<dataset>/ and, with --config, the cooperation’s timezone and currency', async () => {
    // Prepare: a copy of the example's inbox, plus a file from a partner the config does not know,
    // and one whose time is 00:30 on the 3rd in Shanghai (16:30 UTC on the 2nd): the day depends on the timezone.
    const dir = tempDir();
    cpSync(EXAMPLE, dir, { recursive: true });
    const late = join(dir, 'inbox', 'joint-course', 'beacon-academy', 'feedback', 'late.csv');
    writeFileSync(late, `${FEEDBACK_HEADER}\nu1,2026-11-02T16:30:00Z,5\n`);
    const stranger = join(dir, 'inbox', 'joint-course', 'stranger', 'feedback', 'x.csv');
    mkdirSync(join(stranger, '..'), { recursive: true });
    writeFileSync(stranger, `${FEEDBACK_HEADER}\nu1,2026-11-02,5\n`);
    // Act
    const [withConfig, withoutConfig] = await Promise.all([
      crosslift(['validate', join(dir, 'inbox'), '--config', dir, '--json']),
      crosslift(['validate', late, '--json']),
    ]);
    // Assess
    const out = JSON.parse(withConfig.stdout);
    expect(withConfig.code).toBe(1);
    expect(out.settings.config).toBe(join(dir, 'crosslift.config.yaml'));
    expect(out.files).toHaveLength(listDataFiles(EXAMPLE).length + 2);
    const byFile = new Map(out.files.map((f: { file: string }) => [f.file, f]));
    expect(byFile.get(late)).toMatchObject({
      dataset: 'feedback',
      cooperation: 'joint-course',
      partner: 'beacon-academy',
      timezone: 'Asia/Shanghai',
      currency: 'CNY',
      status: 'accepted',
    });
    expect((byFile.get(late) as { days: { day: string }[] }).days.map((d) => d.day)).toEqual(['2026-11-03']);
    expect(byFile.get(stranger)).toMatchObject({
      status: 'rejected',
      reason: '"stranger" is not a partner of cooperation joint-course',
    });
    // The example's one bad file, as `crosslift run` finds it.
    expect(
      out.files.filter((f: { status: string }) => f.status === 'partial').map((f: { file: string }) => f.file),
    ).toEqual([join(dir, 'inbox', 'joint-course', 'beacon-academy', 'enrollments', 'enrollments-2026-w46.csv')]);
    // Without the config the same file is read in UTC: 16:30 on the 2nd.
    expect(JSON.parse(withoutConfig.stdout).files[0]).toMatchObject({
      dataset: 'feedback',
      timezone: 'UTC',
      days: [{ day: '2026-11-02' }],
    });
  });

  it('stops before any work when one of several paths does not exist (exit 2)', async () => {
    // Prepare
    const { paths, dir } = files({ 'a.csv': `${FEEDBACK_HEADER}\nu1,2026-11-02,5\n` });
    // Act
    const r = await crosslift(['validate', paths['a.csv']!, join(dir, 'typo.csv'), '--dataset', 'feedback']);
    // Assess
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `crosslift validate: no such file or folder: ${join(dir, 'typo.csv')} (see 'crosslift validate --help')\n`,
    );
  });
});
