import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Leak tests force GC; vitest 4 takes execArgv at the top level (forks pool is the default).
    execArgv: ['--expose-gc'],
    // The leak tests push 1e6 events each; on a busy 2-core machine (turbo runs packages in
    // parallel) that takes several seconds. They assert memory, not time.
    testTimeout: 30_000,
  },
});
