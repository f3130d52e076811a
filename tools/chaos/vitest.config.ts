import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Fails the run if a scenario leaves a nats-server behind.
    globalSetup: ['@ballast/nats/vitest-setup'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Scenario files mostly wait on child processes (workers, nats-servers): running a few at
    // once keeps the suite within its budget on a 2-core machine.
    maxWorkers: 3,
  },
});
