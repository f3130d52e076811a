/**
 * Pure context updates of the reloader, one per action (fields changed only, for `assign`).
 * @internal
 */
import type { ErrorInfo } from '../errorInfo.js';
import type { ReloaderContext as Context } from './reloaderTypes.js';

type Update = Partial<Context>;

/** First trigger of a burst: debounce from now. */
export function burstStarted(context: Context, now: number): Update {
  return {
    burstStartedAt: now,
    debounceUntil: debounceDeadline(context, now, now),
    counters: { ...context.counters, triggers: context.counters.triggers + 1 },
  };
}

/** Another trigger while debouncing: merged, and the quiet period starts again (up to maxWait). */
export function burstExtended(context: Context, now: number): Update {
  const c = context.counters;
  return {
    debounceUntil: debounceDeadline(context, context.burstStartedAt ?? now, now),
    counters: { ...c, triggers: c.triggers + 1, coalesced: c.coalesced + 1 },
  };
}

/** A trigger during a reload or cooldown: sets the one trailing reload; later ones merge into it. */
export function pendingMarked(context: Context): Update {
  const c = context.counters;
  return {
    pending: true,
    counters: {
      ...c,
      triggers: c.triggers + 1,
      coalesced: context.pending ? c.coalesced + 1 : c.coalesced,
    },
  };
}

/** A reload starts now; whatever was pending is part of it. */
export function reloadStarted(context: Context, now: number): Update {
  return {
    pending: false,
    burstStartedAt: null,
    debounceUntil: null,
    reloadStartedAt: now,
    counters: { ...context.counters, reloads: context.counters.reloads + 1 },
  };
}

/** A reload finished: the next may start `minIntervalMs` after this one started. */
export function reloadSucceeded(context: Context, now: number): Update {
  const startedAt = context.reloadStartedAt ?? now;
  return {
    consecutiveFailures: 0,
    nextAllowedAt: startedAt + context.settings.minIntervalMs,
    counters: { ...context.counters, lastDurationMs: now - startedAt },
  };
}

/** A reload failed: counted, kept as last error, and the next start waits for the backoff. */
export function reloadFailed(context: Context, error: ErrorInfo, now: number): Update {
  const s = context.settings;
  const startedAt = context.reloadStartedAt ?? now;
  const consecutiveFailures = context.consecutiveFailures + 1;
  const backoff = Math.min(
    s.maxBackoffMs,
    s.minIntervalMs * s.backoffFactor ** (consecutiveFailures - 1),
  );
  const c = context.counters;
  return {
    consecutiveFailures,
    nextAllowedAt: Math.max(startedAt + s.minIntervalMs, now + backoff),
    lastError: { ...error, at: now },
    counters: { ...c, failures: c.failures + 1, lastDurationMs: now - startedAt },
  };
}

function debounceDeadline(context: Context, burstStartedAt: number, now: number): number {
  const s = context.settings;
  const quiet = Math.min(now + s.debounceMs, burstStartedAt + s.maxWaitMs);
  return Math.max(quiet, context.nextAllowedAt);
}
