import { setImmediate as nextMacrotask } from 'node:timers/promises';

const oneMegabyte = 1024 * 1024;

/** The leak bound every long-run test asserts: heap growth over a run after warm-up. */
export const leakBoundBytes = oneMegabyte;

function forceGc(): void {
  const gc = globalThis.gc;
  if (!gc) throw new Error('leak tests need a forced GC: run vitest with execArgv --expose-gc');
  for (let i = 0; i < 3; i++) gc();
}

/** Heap and array-buffer bytes in use after a full GC. */
function usedBytes(): number {
  forceGc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/**
 * Runs `warmUp` (which builds up steady state: full windows, compiled code), then measures how
 * many bytes stay in use after `run`.
 */
export function retainedGrowth(warmUp: () => void, run: () => void): number {
  warmUp();
  const before = usedBytes();
  run();
  return usedBytes() - before;
}

/**
 * Calls `make`, which registers objects that should become garbage, then forces GC and yields
 * macrotasks (finalization callbacks run as tasks) until every registered object was finalized
 * or the tries run out. What `make` returns (the structure under test) is kept alive until
 * then, so a finalized object proves the structure itself let go of it.
 *
 * @returns the tokens whose objects were finalized
 */
export async function finalizedTokens(
  make: (register: (target: object, token: string) => void) => unknown,
  tries = 50,
): Promise<Set<string>> {
  const finalized = new Set<string>();
  const registry = new FinalizationRegistry<string>((token) => finalized.add(token));
  let registered = 0;
  const kept: { value: unknown } = {
    value: make((target, token) => {
      registered++;
      registry.register(target, token);
    }),
  };
  for (let i = 0; i < tries && finalized.size < registered; i++) {
    forceGc();
    await nextMacrotask();
  }
  if (kept.value === undefined)
    throw new Error('finalizedTokens: make() must return what it tests');
  return finalized;
}
