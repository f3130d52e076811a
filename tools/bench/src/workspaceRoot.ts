import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The pnpm workspace root above `from` (the nearest directory holding `pnpm-workspace.yaml`),
 * or `from` itself when there is none: where `bench-results/` and `docs/` live.
 *
 * @param from - where to start looking; default the current directory
 * @example
 * join(workspaceRoot(), 'bench-results'); // '/work/main/bench-results' from any package
 */
export function workspaceRoot(from = process.cwd()): string {
  let dir = from;
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) return from;
    dir = parent;
  }
  return dir;
}
