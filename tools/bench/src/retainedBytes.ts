/**
 * Heap bytes retained per item by what `build(count)` returns, measured after forced
 * garbage collection. Needs `node --expose-gc`.
 *
 * @param build - makes a structure holding `count` items; it is kept alive while measured
 * @returns bytes per item
 * @example
 * const perCandle = retainedBytesPer((n) => fillWindow(new CandleWindow(n), n), 100_000);
 */
export function retainedBytesPer(build: (count: number) => unknown, count: number): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    throw new Error('retainedBytesPer needs a forced GC: run node with --expose-gc');
  }
  collect(gc);
  const before = process.memoryUsage();
  const held = build(count);
  collect(gc);
  const after = process.memoryUsage();
  // Typed arrays live outside the JS heap, in arrayBuffers.
  const bytes = after.heapUsed - before.heapUsed + (after.arrayBuffers - before.arrayBuffers);
  // Reading `held` after the measurement keeps it alive until then.
  if (held === undefined || held === null) {
    throw new Error('retainedBytesPer: build() must return the structure it built');
  }
  return bytes / count;
}

function collect(gc: () => void): void {
  for (let i = 0; i < 3; i++) gc();
}
