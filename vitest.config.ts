import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The pipeline tests start real emulators (dynalite, s3rver, SES) on loopback ports;
    // two cores are shared between them, so give slow machines room without hiding hangs.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The SDK warns that Node 20 support ends in 2027; Lambda runs Node 22 and so does test:faults.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
