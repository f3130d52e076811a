import type { PersistedSnapshot } from './persistedActorState.js';

type Fields = Record<string, unknown>;

/**
 * Why a stored circuit breaker snapshot must not be restored, or `undefined`. Checks the
 * context fields the machine computes with, so a damaged value starts a fresh CLOSED breaker
 * instead of an actor that throws (or never half-opens) later.
 *
 * @example
 * await store.restoreActor({ input, clock, check: breakerStateProblem });
 */
export function breakerStateProblem(snapshot: PersistedSnapshot): string | undefined {
  const c = snapshot.context as Fields;
  const value = snapshot.value;
  const cooling = isFields(value) && value.OPEN === 'cooling';
  if (
    value !== 'CLOSED' &&
    value !== 'HALF_OPEN' &&
    !cooling &&
    !(isFields(value) && value.OPEN === 'isolated')
  ) {
    return `unknown breaker state ${JSON.stringify(value)}`;
  }
  if (!isFields(c.settings)) return 'context.settings missing';
  for (const key of ['generation', 'consecutiveFailures', 'trialsInFlight'] as const) {
    if (!isCount(c[key])) return `context.${key} is not a count`;
  }
  if (c.openUntil !== null && !isFiniteNumber(c.openUntil)) return 'context.openUntil is invalid';
  // OPEN.cooling without a deadline would stay open for ever.
  if (cooling && !isFiniteNumber(c.openUntil)) return 'OPEN.cooling without openUntil';
  if (c.window !== null && !(isFields(c.window) && Array.isArray(c.window.buckets))) {
    return 'context.window is invalid';
  }
  const problem = countersProblem(c.counters, [
    'calls',
    'successes',
    'failures',
    'timeouts',
    'rejections',
    'transitions',
  ]);
  if (problem) return problem;
  if (c.lastChange !== null && !isFields(c.lastChange)) return 'context.lastChange is invalid';
  if (c.lastError !== null && !isFields(c.lastError)) return 'context.lastError is invalid';
  return undefined;
}

/**
 * Adapts a stored breaker snapshot to this process: the current settings win (a changed
 * threshold applies at once; a stored `openUntil` deadline is kept), the rolling window is
 * reset when its shape changed, and trial calls in flight are forgotten — they died with the
 * old process, and a HALF_OPEN breaker whose only trial slot stays taken would never admit
 * another call.
 *
 * @example
 * await store.restoreActor({ input, clock, reconcile: reconcileBreakerState });
 */
export function reconcileBreakerState(
  stored: PersistedSnapshot,
  fresh: PersistedSnapshot,
): PersistedSnapshot {
  const s = stored.context as Fields;
  const f = fresh.context as Fields;
  const sameRate =
    JSON.stringify((s.settings as Fields).failureRate) ===
    JSON.stringify((f.settings as Fields).failureRate);
  return {
    ...stored,
    context: {
      ...s,
      settings: f.settings,
      window: sameRate ? s.window : f.window,
      trialsInFlight: 0,
    },
  } as PersistedSnapshot;
}

/**
 * Why a stored reloader snapshot must not be restored, or `undefined`.
 *
 * @example
 * await store.restoreActor({ input, clock, check: reloaderStateProblem });
 */
export function reloaderStateProblem(snapshot: PersistedSnapshot): string | undefined {
  const value = snapshot.value;
  if (!['idle', 'debouncing', 'reloading', 'coolingDown'].includes(value as string)) {
    return `unknown reloader state ${JSON.stringify(value)}`;
  }
  const c = snapshot.context as Fields;
  if (!isFields(c.settings)) return 'context.settings missing';
  if (typeof c.pending !== 'boolean') return 'context.pending is not a boolean';
  if (!isFiniteNumber(c.nextAllowedAt)) return 'context.nextAllowedAt is invalid';
  if (!isCount(c.consecutiveFailures)) return 'context.consecutiveFailures is not a count';
  for (const key of ['burstStartedAt', 'debounceUntil', 'reloadStartedAt'] as const) {
    if (c[key] !== null && !isFiniteNumber(c[key])) return `context.${key} is invalid`;
  }
  if (value === 'debouncing' && !isFiniteNumber(c.debounceUntil)) {
    return 'debouncing without debounceUntil';
  }
  return countersProblem(c.counters, ['triggers', 'coalesced', 'reloads', 'failures']);
}

/**
 * Adapts a stored reloader snapshot to this process: the current settings win; deadlines
 * already in context are kept.
 *
 * @example
 * await store.restoreActor({ input, clock, reconcile: reconcileReloaderState });
 */
export function reconcileReloaderState(
  stored: PersistedSnapshot,
  fresh: PersistedSnapshot,
): PersistedSnapshot {
  const s = stored.context as Fields;
  const f = fresh.context as Fields;
  return { ...stored, context: { ...s, settings: f.settings } } as PersistedSnapshot;
}

function countersProblem(counters: unknown, keys: readonly string[]): string | undefined {
  if (!isFields(counters)) return 'context.counters missing';
  for (const key of keys) {
    if (!isCount(counters[key])) return `context.counters.${key} is not a count`;
  }
  return undefined;
}

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
