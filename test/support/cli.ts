import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export const ROOT = join(import.meta.dirname, '..', '..');
export const EXAMPLE = join(ROOT, 'examples', 'joint-course');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the real CLI (bin/crosslift.mjs: the sources through tsx) in its own process and resolves
 * with its exit code and output, whatever the code. `entry` runs another build of it.
 */
export const crosslift = (
  args: readonly string[],
  options: { entry?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {},
) =>
  new Promise<CliResult>((resolve) => {
    execFile(
      process.execPath,
      [options.entry ?? join(ROOT, 'bin', 'crosslift.mjs'), ...args],
      { cwd: options.cwd ?? ROOT, maxBuffer: 1 << 26, env: { ...process.env, ...options.env } },
      (error, stdout, stderr) => {
        const code = error
          ? typeof (error as { code?: unknown }).code === 'number'
            ? (error as { code: number }).code
            : 1
          : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });

const made: string[] = [];
/** Removed after the test file's tests (this module is loaded once per test file). */
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temp folder, removed when the test file is done. */
export const tempDir = (prefix = 'crosslift-cli-') => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
};
