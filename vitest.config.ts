import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['shared/src/**/*.test.ts', 'server/src/**/*.test.ts', 'client/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/bench/**'],
    reporters: ['default', './test/summary-reporter.ts'],
    // Stops what a test file started however the file ends, and gives waits the test's own limit.
    setupFiles: ['./test/setup.ts'],
    // Limits for a slow machine, not for a fast one: a test that takes 6-9 s on an idle 2-core machine
    // (a server process started through tsx, twice) took over 20 s with the load average above 10.
    // A test that passes is not slowed by a high limit; only a hung one is reported later.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // expect.poll waits for a condition (the browser tests' page state): as long as a slow machine needs,
    // below the test's own limit so that a condition never met fails with what it last saw.
    expect: { poll: { timeout: 60_000 } },
    // Integration tests start real servers and child processes; two cores here.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
