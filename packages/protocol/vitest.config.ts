import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Property tests share two cores with every other package's tests under turbo: 5 s is
    // not enough then, though each takes well under a second alone.
    testTimeout: 30_000,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Leak tests force GC; vitest 4 takes execArgv at the top level (forks pool is the default).
    execArgv: ['--expose-gc'],
  },
});
