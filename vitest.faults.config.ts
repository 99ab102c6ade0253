import { defineConfig } from 'vitest/config';

/**
 * `npm run test:faults`: the crash and fault suite (issue 6). Each file starts real servers and databases and
 * kills or starves them, so files run one at a time, with timeouts sized for a busy two-core machine.
 */
export default defineConfig({
  test: {
    include: ['faults/**/*.fault.test.ts'],
    globalSetup: ['faults/support/global-setup.ts'],
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    // The files share one process: each would otherwise load the whole server (to seed the demo shop) again.
    isolate: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
