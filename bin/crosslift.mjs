#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx crosslift` works in a fresh clone without a build step.
import { register } from 'tsx/esm/api';

// The local machines run Node 20 (Lambda runs 22); the SDK's notice about that is noise in CLI output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
