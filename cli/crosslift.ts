#!/usr/bin/env node
// The built CLI's entry (dist/cli/crosslift.mjs, the package's `bin`); bin/crosslift.mjs runs
// the same main from the TypeScript sources through tsx, for development.
import { main } from './main';

// Local machines may run Node 20 (Lambda runs 22); the AWS SDK's notice about that is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.exitCode = await main(process.argv.slice(2));
