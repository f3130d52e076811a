import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The package's own setup, from source: this package is what builds it.
    globalSetup: ['./src/vitestGlobalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
