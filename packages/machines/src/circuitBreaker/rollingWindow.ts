/** Outcomes counted in one time slice of a {@link RollingWindow}. */
export interface WindowBucket {
  /** Clock time the slice starts at; -1 for a slice never used. */
  readonly start: number;
  readonly successes: number;
  readonly failures: number;
}

/**
 * Call outcomes over the last `buckets.length * bucketMs` ms, in a fixed number of buckets:
 * memory does not depend on traffic. Plain data, so it persists with the breaker's context.
 */
export interface RollingWindow {
  readonly bucketMs: number;
  readonly buckets: readonly WindowBucket[];
}

const unused: WindowBucket = { start: -1, successes: 0, failures: 0 };

/**
 * An empty window of `bucketCount` buckets spanning `windowMs`.
 * @internal
 */
export function emptyWindow(windowMs: number, bucketCount: number): RollingWindow {
  return {
    bucketMs: Math.max(1, Math.ceil(windowMs / bucketCount)),
    buckets: Array.from({ length: bucketCount }, () => unused),
  };
}

/**
 * Returns a window with `count` more outcomes in the bucket for `now`; a bucket that belonged to
 * an older slice is recycled first. Copies the bucket array (a handful of references) and
 * one bucket, never the history.
 * @internal
 */
export function recordOutcome(
  window: RollingWindow,
  now: number,
  failed: boolean,
  count = 1,
): RollingWindow {
  const slice = Math.floor(now / window.bucketMs);
  const start = slice * window.bucketMs;
  const index = slice % window.buckets.length;
  const current = window.buckets[index] ?? unused;
  const base = current.start === start ? current : { start, successes: 0, failures: 0 };
  const next: WindowBucket = failed
    ? { start, successes: base.successes, failures: base.failures + count }
    : { start, successes: base.successes + count, failures: base.failures };
  const buckets = window.buckets.slice();
  buckets[index] = next;
  return { bucketMs: window.bucketMs, buckets };
}

/**
 * Outcomes and failures in the buckets that still fall inside the window at `now`.
 * @internal
 */
export function windowTotals(
  window: RollingWindow,
  now: number,
): { readonly outcomes: number; readonly failures: number } {
  const oldestStart =
    (Math.floor(now / window.bucketMs) - window.buckets.length + 1) * window.bucketMs;
  let outcomes = 0;
  let failures = 0;
  for (const bucket of window.buckets) {
    if (bucket.start < oldestStart) continue;
    outcomes += bucket.successes + bucket.failures;
    failures += bucket.failures;
  }
  return { outcomes, failures };
}
