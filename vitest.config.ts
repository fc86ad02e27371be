import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The pipeline tests start real emulators (dynalite, s3rver, SES) on loopback ports;
    // two cores are shared between them, so give slow machines room without hiding hangs.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
