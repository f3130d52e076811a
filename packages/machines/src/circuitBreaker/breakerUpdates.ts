/**
 * Pure context updates of the circuit breaker, one per action. Each returns only the fields it
 * changes, as xstate's `assign` expects. Kept apart from the machine so the statechart reads as
 * structure and these read as arithmetic.
 * @internal
 */
import type { ErrorInfo } from '../errorInfo.js';
import type {
  BreakerChangeReason,
  BreakerLastError,
  CircuitBreakerEvent,
  CircuitBreakerContext as Context,
} from './breakerTypes.js';
import { emptyWindow, recordOutcome, windowTotals } from './rollingWindow.js';

type Update = Partial<Context>;

/** Admitted while CLOSED. */
export function admitted(context: Context): Update {
  const c = context.counters;
  return { lastCallAdmitted: true, counters: { ...c, calls: c.calls + 1 } };
}

/** Admitted as a HALF_OPEN trial: takes a trial slot. */
export function admittedTrial(context: Context): Update {
  return { ...admitted(context), trialsInFlight: context.trialsInFlight + 1 };
}

/** Refused at once: dropped and counted, never queued. */
export function rejected(context: Context): Update {
  const c = context.counters;
  return {
    lastCallAdmitted: false,
    counters: { ...c, calls: c.calls + 1, rejections: c.rejections + 1 },
  };
}

/** Whether an outcome belongs to the current generation (no generation means current). */
export function isCurrent(context: Context, event: CircuitBreakerEvent): boolean {
  return (
    !('generation' in event) ||
    event.generation === undefined ||
    event.generation === context.generation
  );
}

/** A success in CLOSED: counted and, when current, clears the consecutive-failure run. */
export function closedSuccess(context: Context, event: CircuitBreakerEvent, now: number): Update {
  const counters = { ...context.counters, successes: context.counters.successes + 1 };
  if (!isCurrent(context, event)) return { counters };
  return {
    counters,
    consecutiveFailures: 0,
    ...(context.window && { window: recordOutcome(context.window, now, false) }),
  };
}

/**
 * A failure or timeout in CLOSED: counted, and when current it extends the failure run and the
 * window, and sets `tripReason` when a threshold is crossed (the CLOSED state then opens).
 */
export function closedFailure(context: Context, event: CircuitBreakerEvent, now: number): Update {
  const counted = countedFailure(context, event, now);
  if (!isCurrent(context, event)) return counted;
  const consecutiveFailures = context.consecutiveFailures + 1;
  const window = context.window ? recordOutcome(context.window, now, true) : null;
  return {
    ...counted,
    consecutiveFailures,
    ...(window && { window }),
    tripReason: tripReasonOf(context, consecutiveFailures, window, now),
  };
}

/** A fast-path batch: counted; in CLOSED its current-generation successes enter the window. */
export function batched(
  context: Context,
  event: CircuitBreakerEvent,
  now: number,
  inClosed: boolean,
): Update {
  if (event.type !== 'CALLS_BATCHED') return {};
  const c = context.counters;
  const counters = {
    ...c,
    calls: c.calls + event.admitted + event.rejected,
    successes: c.successes + event.succeeded,
    rejections: c.rejections + event.rejected,
  };
  const window = context.window;
  if (!window || !inClosed || event.generation !== context.generation || event.succeeded === 0) {
    return { counters };
  }
  return { counters, window: recordOutcome(window, now, false, event.succeeded) };
}

/** A success that moves no state (OPEN, or an outcome of an older generation). */
export function countedSuccess(context: Context): Update {
  return { counters: { ...context.counters, successes: context.counters.successes + 1 } };
}

/** A failure or timeout that is only counted and remembered as the last error. */
export function countedFailure(context: Context, event: CircuitBreakerEvent, now: number): Update {
  const timedOut = event.type === 'CALL_TIMED_OUT';
  const c = context.counters;
  return {
    counters: {
      ...c,
      failures: c.failures + 1,
      timeouts: timedOut ? c.timeouts + 1 : c.timeouts,
    },
    lastError: lastErrorOf(event, now),
  };
}

/** Entering OPEN: a new generation and a deadline kept in context (re-armed on restore). */
export function opened(context: Context, reason: BreakerChangeReason, now: number): Update {
  return {
    ...changed(context, reason, now),
    openUntil: now + context.settings.resetTimeoutMs,
    tripReason: null,
    trialsInFlight: 0,
  };
}

/** Entering OPEN.isolated: no deadline; only RESET leaves it. */
export function isolated(context: Context, fromOpen: boolean, now: number): Update {
  const change = fromOpen
    ? { lastChange: { reason: 'isolated' as const, at: now } }
    : changed(context, 'isolated', now);
  return { ...change, openUntil: null, tripReason: null, trialsInFlight: 0 };
}

/** Entering HALF_OPEN: trial slots free again. */
export function halfOpened(context: Context, now: number): Update {
  return { ...changed(context, 'reset_timeout', now), openUntil: null, trialsInFlight: 0 };
}

/** Entering CLOSED: a clean slate for failures, counters kept. */
export function closed(context: Context, reason: BreakerChangeReason, now: number): Update {
  return {
    ...changed(context, reason, now),
    ...clearedFailures(context),
    openUntil: null,
    trialsInFlight: 0,
  };
}

/** RESET while already CLOSED: forget the failure run and the window. */
export function clearedFailures(context: Context): Update {
  const rate = context.settings.failureRate;
  return {
    consecutiveFailures: 0,
    tripReason: null,
    window: rate ? emptyWindow(rate.windowMs, rate.buckets) : null,
  };
}

function changed(context: Context, reason: BreakerChangeReason, now: number): Update {
  return {
    generation: context.generation + 1,
    lastChange: { reason, at: now },
    counters: { ...context.counters, transitions: context.counters.transitions + 1 },
  };
}

function tripReasonOf(
  context: Context,
  consecutiveFailures: number,
  window: Context['window'],
  now: number,
): Context['tripReason'] {
  if (consecutiveFailures >= context.settings.failureThreshold) return 'consecutive_failures';
  const rate = context.settings.failureRate;
  if (!rate || !window) return null;
  const { outcomes, failures } = windowTotals(window, now);
  return outcomes >= rate.minimumCalls && (failures / outcomes) * 100 >= rate.thresholdPercent
    ? 'failure_rate'
    : null;
}

function lastErrorOf(event: CircuitBreakerEvent, at: number): BreakerLastError {
  if (event.type === 'CALL_TIMED_OUT') {
    return {
      message: `call timed out after ${event.timeoutMs} ms`,
      code: 'call_timed_out',
      at,
      kind: 'timeout',
    };
  }
  const error: ErrorInfo =
    event.type === 'CALL_FAILED' ? event.error : { message: `unexpected ${event.type}` };
  return { ...error, at, kind: 'failure' };
}
