import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crosslift, EXAMPLE, ROOT, tempDir } from '../../support/cli';

const CONFIG = readFileSync(join(EXAMPLE, 'crosslift.config.yaml'), 'utf8');

describe('crosslift run with a bad config', () => {
  it('stops with the file, line, path and what was expected, and no stack trace', async () => {
    // Prepare
    const dir = tempDir();
    const config = CONFIG.replace('timezone: Asia/Shanghai', 'timezone: Mars/Olympus');
    writeFileSync(join(dir, 'crosslift.config.yaml'), config);
    const line = config.split('\n').findIndex((l) => l.includes('Mars/Olympus')) + 1;
    // Act
    const { code, stderr } = await crosslift(['run', '--data', dir]);
    // Assess
    expect(code).toBe(1);
    expect(stderr).toContain(`crosslift.config.yaml:${line}: cooperations[0].timezone: expected an IANA timezone`);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a YAML alias bomb at its line and an oversized config, without a stack trace', async () => {
    // Prepare
    const bomb = tempDir();
    const levels = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      `b: &b [${Array(10).fill('*a').join(', ')}]`,
      `c: &c [${Array(10).fill('*b').join(', ')}]`,
    ];
    writeFileSync(join(bomb, 'crosslift.config.yaml'), `${levels.join('\n')}\npartners: *c\n`);
    const huge = tempDir();
    writeFileSync(join(huge, 'crosslift.config.yaml'), `${CONFIG}${'#'.repeat(2 * 1024 ** 2)}\n`);
    // Act
    const [aliases, size] = await Promise.all([
      crosslift(['run', '--data', bomb, '--json']),
      crosslift(['run', '--data', huge]),
    ]);
    // Assess
    expect(aliases.code).toBe(1);
    expect(aliases.stderr).toBe(
      `crosslift run: ${join(bomb, 'crosslift.config.yaml')}:3: YAML aliases expand too far (more than 100 aliased nodes); write the values out instead of nesting aliases\n`,
    );
    expect(JSON.parse(aliases.stdout).error).toMatchObject({ type: 'failed', exitCode: 1 });
    expect(size.code).toBe(1);
    expect(size.stderr).toBe(
      `crosslift run: ${join(huge, 'crosslift.config.yaml')}: the config file is 2.0 MiB; a config may be at most 1 MiB\n`,
    );
  });
});

describe('crosslift run --json --verbose on a small data folder', () => {
  it('prints one JSON document on stdout with the logs on stderr, lists a too-long file name as rejected, and leaves no temp folder', async () => {
    // Prepare: one good file, and one whose 240-character name the local disk cannot hold with s3rver's suffix.
    const dir = tempDir();
    writeFileSync(join(dir, 'crosslift.config.yaml'), CONFIG);
    const folder = join(dir, 'inbox', 'joint-course', 'beacon-academy', 'feedback');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'ok.csv'), 'user_id,submitted_at,rating\nu1,2026-11-20,5\n');
    const longName = `${'a'.repeat(236)}.csv`;
    writeFileSync(join(folder, longName), 'user_id,submitted_at,rating\nu1,2026-11-20,5\n');
    const tmp = tempDir('crosslift-tmp-');
    // Act
    const { code, stdout, stderr } = await crosslift(
      ['run', '--data', dir, '--as-of', '2026-11-23T06:00:00+08:00', '--json', '--verbose'],
      {
        env: { TMPDIR: tmp },
      },
    );
    // Assess
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.files).toEqual([
      {
        key: `inbox/joint-course/beacon-academy/feedback/${longName}`,
        status: 'rejected',
        rows: 0,
        rejectedRows: 0,
        errors: [
          {
            reason: expect.stringMatching(
              /^the file name "a{24}\.\.\." is 240 bytes long; the local stack stores objects as files and takes names up to 233 bytes/,
            ),
          },
        ],
      },
      {
        key: 'inbox/joint-course/beacon-academy/feedback/ok.csv',
        status: 'accepted',
        rows: 1,
        rejectedRows: 0,
        errors: [],
      },
    ]);
    // --verbose logs are Powertools JSON lines, all of them on stderr.
    expect(stderr.split('\n').filter((l) => l.startsWith('{"level":"INFO"')).length).toBeGreaterThan(0);
    // The stack's temp folder of raw data (crosslift-s3-*) is gone; tsx keeps its cache there too.
    expect(readdirSync(tmp).filter((name) => name.startsWith('crosslift-'))).toEqual([]);
  });
});

describe('crosslift run interrupted', () => {
  it('removes the temp folder of raw data when stopped with Ctrl-C mid-run (exit 130)', async () => {
    // Prepare
    const tmp = tempDir('crosslift-tmp-');
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin', 'crosslift.mjs'), 'run', '--data', EXAMPLE, '--as-of', '2026-11-23T06:00:00+08:00'],
      {
        cwd: ROOT,
        env: { ...process.env, TMPDIR: tmp },
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const stackFolders = () => readdirSync(tmp).filter((name) => name.startsWith('crosslift-'));
    // Wait until the stack has its temp folder, i.e. the run is under way.
    for (let i = 0; i < 400 && stackFolders().length === 0; i += 1) await new Promise((r) => setTimeout(r, 25));
    expect(stackFolders()).toHaveLength(1);
    // Act
    child.kill('SIGINT');
    const code = await exited;
    // Assess
    expect(code).toBe(130);
    expect(stderr).toContain('crosslift: stopped by SIGINT');
    expect(stackFolders()).toEqual([]);
  });
});
