/** Memory of the process at one moment, in bytes. */
export interface MemorySample {
  /** Resident set size: what the OS holds for the process (heap, buffers, code, stacks). */
  readonly rss: number;
  /** V8 heap in use by live and not yet collected objects. */
  readonly heapUsed: number;
}

/**
 * Samples the process' RSS and V8 heap use, the two numbers that show whether memory is flat.
 *
 * @returns the current sample
 * @example
 * const { rss, heapUsed } = memoryUsage();
 * log.info({ rss, heapUsed }, 'memory');
 */
export function memoryUsage(): MemorySample {
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}
