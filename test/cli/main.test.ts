import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../cli/main';
import packageJson from '../../package.json' with { type: 'json' };
import { crosslift, ROOT, tempDir } from '../support/cli';

const COMMANDS = ['validate', 'model', 'schema', 'run', 'dev', 'report', 'reconcile'];

describe('crosslift --version, --help, help <command>', () => {
  it('prints the version for --version and -v on stdout, exit 0', async () => {
    // Act
    const [long, short] = await Promise.all([crosslift(['--version']), crosslift(['-v'])]);
    // Assess
    for (const r of [long, short]) {
      expect(r).toEqual({ code: 0, stdout: `${packageJson.version}\n`, stderr: '' });
    }
  });

  it('lists every command with --help, -h and help, exit 0, on stdout', async () => {
    // Act
    const results = await Promise.all([crosslift(['--help']), crosslift(['-h']), crosslift(['help'])]);
    // Assess
    for (const r of results) {
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      for (const name of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
      expect(r.stdout).toContain('help [command]');
      expect(r.stdout).toContain('Exit codes:');
    }
    expect(results[1]!.stdout).toBe(results[0]!.stdout);
  });

  it('gives each command its help with option descriptions and an example, by --help, -h or help <command>', async () => {
    // Act
    const [long, short, viaHelp] = await Promise.all([
      crosslift(['validate', '--help']),
      crosslift(['validate', '-h']),
      crosslift(['help', 'validate']),
    ]);
    // Assess
    for (const r of [long, short, viaHelp]) {
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(long.stdout);
    }
    expect(long.stdout).toMatch(/^Usage: crosslift validate \[options\] <paths\.\.\.>/);
    expect(long.stdout).toMatch(/--timezone <tz>\s+IANA timezone that dates without an offset are in/);
    expect(long.stdout).toMatch(/Examples:\n {2}\$ crosslift validate /);
  });
});

describe('crosslift usage errors: exit 2, one line on stderr, a pointer to --help', () => {
  it('suggests the command a typo was meant to be, also after help', async () => {
    // Act
    const results = await Promise.all([crosslift(['valdate', 'file.csv']), crosslift(['help', 'valdate'])]);
    // Assess
    for (const r of results) {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe("crosslift: unknown command 'valdate'; did you mean validate? (see 'crosslift --help')\n");
    }
  });

  it('names an unknown option without reprinting the help', async () => {
    // Act
    const r = await crosslift(['validate', 'x.csv', '--datset', 'feedback']);
    // Assess
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^crosslift validate: unknown option '--datset'; did you mean --dataset\? \(see 'crosslift validate --help'\)\n$/,
    );
  });

  it('treats a missing file, a bad timezone, dataset or currency, and a missing option as usage errors', async () => {
    // Prepare
    const dir = tempDir();
    const file = join(dir, 'ok.csv');
    writeFileSync(file, 'user_id,submitted_at,rating\nu1,2026-11-02,5\n');
    // Act
    const results = await Promise.all([
      crosslift(['validate', join(dir, 'missing.csv'), '--dataset', 'feedback']),
      crosslift(['validate', file, '--dataset', 'feedback', '--timezone', 'Mars/Olympus']),
      crosslift(['validate', file, '--dataset', 'nope']),
      crosslift(['validate', file, '--dataset', 'feedback', '--currency', 'yuan']),
      crosslift(['run']),
      crosslift(['run', '--data', dir]),
    ]);
    // Assess
    const expected = [
      `crosslift validate: no such file or folder: ${join(dir, 'missing.csv')} (see 'crosslift validate --help')`,
      `crosslift validate: --timezone expects an IANA timezone such as Asia/Shanghai or UTC, not "Mars/Olympus" (see 'crosslift validate --help')`,
      /^crosslift validate: option '--dataset <name>' argument 'nope' is invalid\. Allowed choices are enrollments, .*series\. \(see 'crosslift validate --help'\)$/,
      `crosslift validate: --currency expects an ISO 4217 code such as CNY, not "yuan" (see 'crosslift validate --help')`,
      `crosslift run: required option '--data <dir>' not specified (see 'crosslift run --help')`,
      /^crosslift run: no config file in .*: expected one of crosslift\.config\.yaml, crosslift\.config\.yml, crosslift\.config\.json \(see 'crosslift run --help'\)$/,
    ];
    for (const [i, r] of results.entries()) {
      expect(r.code, `case ${i}`).toBe(2);
      expect(r.stdout, `case ${i}`).toBe('');
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines, `case ${i}`).toHaveLength(1);
      if (typeof expected[i] === 'string') expect(lines[0]).toBe(expected[i]);
      else expect(lines[0]).toMatch(expected[i] as RegExp);
    }
  });

  it('with --json, prints the error as the one JSON document on stdout too', async () => {
    // Act
    const [usage, unknown] = await Promise.all([
      crosslift(['validate', 'no-such-file.csv', '--dataset', 'feedback', '--json']),
      crosslift(['validate', 'x.csv', '--json', '--bogus']),
    ]);
    // Assess
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stdout)).toEqual({
      error: { type: 'usage', exitCode: 2, message: 'crosslift validate: no such file or folder: no-such-file.csv' },
    });
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stdout).error).toMatchObject({
      type: 'usage',
      message: "crosslift validate: unknown option '--bogus'",
    });
  });
});

describe('README', () => {
  it('has a command table that matches the parser: every command, and exactly its options', () => {
    // Prepare
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const rows = readme.split('\n').filter((line) => line.startsWith('| `crosslift '));
    // Act
    const program = buildProgram();
    // Assess
    expect(rows.map((row) => /^\| `crosslift (\S+)/.exec(row)![1])).toEqual(program.commands.map((c) => c.name()));
    for (const command of program.commands) {
      const row = rows.find((r) => r.startsWith(`| \`crosslift ${command.name()} `))!;
      const usage = /^\| `([^`]+)`/.exec(row)![1]!;
      const documented = [...usage.matchAll(/--[a-z][a-z0-9-]*/g)].map((m) => m[0]).sort();
      const parsed = command.options
        .map((o) => o.long!)
        .filter((o) => o !== '--help')
        .sort();
      expect(documented, `README row of ${command.name()}`).toEqual(parsed);
    }
  });
});
