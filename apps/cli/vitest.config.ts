import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Fails the run if a test leaves a nats-server behind.
    globalSetup: ['@ballast/nats/vitest-setup'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
