import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Fails the run if a test leaves a nats-server behind (the soak's `ballast up` inherits
    // the owner tag, so its server counts too).
    globalSetup: ['@ballast/nats/vitest-setup'],
    testTimeout: 30_000,
  },
});
