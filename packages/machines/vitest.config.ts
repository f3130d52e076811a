import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Leak tests force GC; vitest 4 takes execArgv at the top level (forks pool is the default).
    execArgv: ['--expose-gc'],
  },
});
