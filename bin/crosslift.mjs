#!/usr/bin/env node
// The CLI from the TypeScript sources through tsx (a dev dependency): what `npm start`, the
// tests and the benchmark run in the repository, with no build step. The package's `bin` is the
// build, dist/cli/crosslift.mjs (`npm run build`; `npm ci` runs it through `prepare`).
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
