/** Machine-readable reason an operation of `@ballast/machines` failed. */
export type MachinesErrorCode =
  | 'breaker_open'
  | 'breaker_not_running'
  | 'call_timed_out'
  | 'tracker_full'
  | 'stream_already_tracked'
  | 'invalid_option';

/** Base class of every error `@ballast/machines` throws; `code` tells them apart. */
export class MachinesError extends Error {
  readonly code: MachinesErrorCode;

  constructor(code: MachinesErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MachinesError';
    this.code = code;
  }
}

/**
 * A circuit breaker refused a call without running it: the breaker is OPEN, or HALF_OPEN with
 * every trial slot taken. Rejections are immediate and counted; nothing is queued.
 */
export class BreakerOpenError extends MachinesError {
  /** `'OPEN'`, or `'HALF_OPEN'` when the trial slots were all in use. */
  readonly state: 'OPEN' | 'HALF_OPEN';
  /** Clock time (ms) at which an OPEN breaker half-opens; `null` when isolated or half-open. */
  readonly retryAt: number | null;

  constructor(state: 'OPEN' | 'HALF_OPEN', retryAt: number | null, options?: { cause?: unknown }) {
    const when =
      state === 'HALF_OPEN'
        ? 'every half-open trial slot is in use; retry when the trial call settles'
        : retryAt === null
          ? 'it is isolated; send { type: "RESET" } to close it'
          : `it half-opens at clock time ${retryAt} ms`;
    super(
      'breaker_open',
      `circuit breaker is ${state}: call rejected without running (${when})`,
      options,
    );
    this.name = 'BreakerOpenError';
    this.state = state;
    this.retryAt = retryAt;
  }
}

/** The breaker actor is stopped (or errored), or was asked re-entrantly from its own processing. */
export class BreakerNotRunningError extends MachinesError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('breaker_not_running', message, options);
    this.name = 'BreakerNotRunningError';
  }
}

/** A guarded call did not settle within its timeout; the breaker counted it as a failure. */
export class CallTimeoutError extends MachinesError {
  readonly timeoutMs: number;

  constructor(timeoutMs: number, options?: { cause?: unknown }) {
    super(
      'call_timed_out',
      `guarded call did not settle within ${timeoutMs} ms; it counts as a breaker failure (raise timeoutMs if the callee is legitimately slow)`,
      options,
    );
    this.name = 'CallTimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

/** A bounded tracker is at its limit and rejects new entries instead of growing. */
export class TrackerFullError extends MachinesError {
  /** Which tracker refused, e.g. `'StreamTracker'`. */
  readonly tracker: string;
  readonly limit: number;

  constructor(tracker: string, limit: number, options?: { cause?: unknown }) {
    super(
      'tracker_full',
      `${tracker} is full (${limit} active entries): complete or fail some first, or raise its limit`,
      options,
    );
    this.name = 'TrackerFullError';
    this.tracker = tracker;
    this.limit = limit;
  }
}

/** A stream id was started while a stream with the same id is still active. */
export class DuplicateStreamError extends MachinesError {
  readonly streamId: string;

  constructor(streamId: string, options?: { cause?: unknown }) {
    super(
      'stream_already_tracked',
      `stream "${streamId}" is already active: complete it before starting it again, or use a unique id`,
      options,
    );
    this.name = 'DuplicateStreamError';
    this.streamId = streamId;
  }
}

/** A machine input or tracker option is out of range. */
export class InvalidOptionError extends MachinesError {
  readonly option: string;
  readonly value: unknown;

  constructor(option: string, value: unknown, expected: string, options?: { cause?: unknown }) {
    super(
      'invalid_option',
      `option ${option} = ${String(value)} is invalid: expected ${expected}`,
      options,
    );
    this.name = 'InvalidOptionError';
    this.option = option;
    this.value = value;
  }
}
