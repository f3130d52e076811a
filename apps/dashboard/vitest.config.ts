import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Fails the run if a test leaves a nats-server behind.
    globalSetup: ['@ballast/nats/vitest-setup'],
    // The slow-client test forces GC before measuring what the gateway retains.
    execArgv: ['--expose-gc'],
    testTimeout: 90_000,
    hookTimeout: 60_000,
  },
});
