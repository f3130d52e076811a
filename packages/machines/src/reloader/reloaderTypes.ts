import type { ErrorInfo } from '../errorInfo.js';

/** Input of the {@link reloader} machine. Every field has a default. */
export interface ReloaderInput {
  /** Quiet time after the last trigger before reloading, in ms. Default 1,000. */
  readonly debounceMs?: number;
  /** Longest a burst may postpone a reload, from its first trigger, in ms. Default 10,000. */
  readonly maxWaitMs?: number;
  /** Minimum time from one reload's start to the next one's, in ms. Default 5,000. */
  readonly minIntervalMs?: number;
  /** Growth of the wait after consecutive failures (minIntervalMs × factor^(n−1)). Default 2. */
  readonly backoffFactor?: number;
  /** Cap of that wait, in ms. Default 60,000. */
  readonly maxBackoffMs?: number;
}

/** {@link ReloaderInput} with defaults applied and values checked. */
export type ReloaderSettings = Required<ReloaderInput>;

/** Monotonic counters of a reloader. */
export interface ReloaderCounters {
  /** Every TRIGGER received. */
  readonly triggers: number;
  /** Triggers merged into a reload that was already due (triggers − coalesced = reloads asked for). */
  readonly coalesced: number;
  /** Reloads started. */
  readonly reloads: number;
  /** Reloads that failed. */
  readonly failures: number;
  /** Duration of the last finished reload (ok or failed), in clock ms; null before the first. */
  readonly lastDurationMs: number | null;
}

/** Context of the {@link reloader} machine; plain data, so it persists as JSON. */
export interface ReloaderContext {
  readonly settings: ReloaderSettings;
  /** A trigger arrived during a reload or cooldown: one trailing reload is due. A flag, never a list. */
  readonly pending: boolean;
  /** First trigger of the current burst (absolute clock ms). */
  readonly burstStartedAt: number | null;
  /** When the debounce ends (absolute clock ms); re-armed from context on restore. */
  readonly debounceUntil: number | null;
  /** Earliest start of the next reload (absolute clock ms): min interval or failure backoff. */
  readonly nextAllowedAt: number;
  readonly reloadStartedAt: number | null;
  readonly consecutiveFailures: number;
  readonly lastError: (ErrorInfo & { readonly at: number }) | null;
  readonly counters: ReloaderCounters;
}

/** Input the runtime's `reload` actor receives. */
export interface ReloadInput {
  /** 1 for the first reload, counting every start. */
  readonly reloadNumber: number;
  /** Failures in a row before this attempt. */
  readonly consecutiveFailures: number;
}

/** Events the {@link reloader} machine accepts (plus the `reload` actor's done/error events). */
export type ReloaderEvent =
  | { readonly type: 'TRIGGER' }
  | { readonly type: 'DEBOUNCE_ELAPSED'; readonly deadline: number }
  | { readonly type: 'COOLDOWN_ELAPSED'; readonly deadline: number };

/** Parameters of the `reportReloadFailure` action the runtime provides. */
export interface ReloadFailure {
  readonly error: ErrorInfo;
  readonly consecutiveFailures: number;
  /** No reload starts before this clock time, even if triggered. */
  readonly retryNotBefore: number;
  readonly durationMs: number;
}
