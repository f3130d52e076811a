import type { ErrorInfo } from '../errorInfo.js';

/** Input of the {@link supervisor} machine. Every field has a default. */
export interface SupervisorInput {
  /** Delay before the first restart of a child, in ms. Default 1,000. */
  readonly baseDelayMs?: number;
  /** Each further restart within the window waits `factor` times longer. Default 2. */
  readonly backoffFactor?: number;
  /** Cap of the restart delay, in ms. Default 30,000. */
  readonly maxDelayMs?: number;
  /**
   * Shortens each delay by up to this fraction (0–1), by a hash of child id and attempt:
   * children that fail together restart apart, yet replays and tests see the same delays.
   * Default 0 (off).
   */
  readonly jitterRatio?: number;
  /** Restarts allowed per child within `windowMs`; one more failure escalates. Default 5. */
  readonly maxRestarts?: number;
  /** Window over which restarts are counted, in ms. Default 60,000. */
  readonly windowMs?: number;
  /** Children with restart state kept at once (see README for what happens above). Default 1,000. */
  readonly maxTrackedChildren?: number;
}

/** {@link SupervisorInput} with defaults applied and values checked. */
export type SupervisorSettings = Required<SupervisorInput>;

/**
 * A child actor or task failed. The runtime sends this for every failure it sees, e.g. from an
 * actor's `subscribe({ error })` (see {@link superviseActor}).
 */
export interface ChildFailedEvent {
  readonly type: 'CHILD_FAILED';
  /** The child's id (actor id or task name). */
  readonly id: string;
  /** What it is, e.g. `'symbolCache'`, `'reloader'`, `'task'`; errors are counted by kind. */
  readonly kind: string;
  /** The state it was in, e.g. `'{"OPEN":"cooling"}'`, or `'error'` when unknown. */
  readonly state: string;
  readonly error: ErrorInfo;
  /** The error's `cause`, when it had one. */
  readonly cause?: ErrorInfo;
}

/** Events the {@link supervisor} machine accepts. */
export type SupervisorEvent =
  | ChildFailedEvent
  /** The child ended normally or was removed (e.g. passivated): forget its restart state. */
  | { readonly type: 'CHILD_STOPPED'; readonly id: string }
  | { readonly type: 'RESTART_DUE'; readonly deadline: number };

/** What the supervisor keeps per child; bounded by `maxTrackedChildren`. */
export interface ChildRecord {
  readonly id: string;
  readonly kind: string;
  /** `restarting` until its restart is due; `escalated` after the restart limit was hit. */
  readonly status: 'running' | 'restarting' | 'escalated';
  /** When the pending restart is due (absolute clock ms). */
  readonly restartAt: number | null;
  /** Start times of restarts within the window; never longer than `maxRestarts`. */
  readonly restartTimes: readonly number[];
  readonly failures: number;
  readonly lastFailureAt: number;
  readonly lastError: ErrorInfo;
}

/** Monotonic counters of a supervisor. */
export interface SupervisorCounters {
  /** Every CHILD_FAILED, each also reported through `reportFailure`. */
  readonly failures: number;
  /** `restartChild` actions run. */
  readonly restarts: number;
  /** Children stopped and escalated (restart limit, or no room to track them). */
  readonly escalations: number;
  /** Records dropped to make room: idle records whose restart history was forgotten. */
  readonly evictions: number;
  /** Failures of children that could not be tracked because every record had a restart pending. */
  readonly overflows: number;
}

/** Context of the {@link supervisor} machine; plain data, so it persists as JSON. */
export interface SupervisorContext {
  readonly settings: SupervisorSettings;
  readonly children: readonly ChildRecord[];
  readonly counters: SupervisorCounters;
}

/** What the supervisor decided about a failure; part of `reportFailure`'s parameters. */
export type FailureDecision =
  | 'restart'
  | 'restart_already_pending'
  | 'escalate'
  | 'already_escalated'
  | 'untracked_escalate';

/** Parameters of the `reportFailure` action: the failure with its full context. */
export interface FailureReport {
  readonly id: string;
  readonly kind: string;
  readonly state: string;
  readonly error: ErrorInfo;
  readonly cause?: ErrorInfo;
  readonly at: number;
  /** Failures of this child seen so far (while tracked). */
  readonly failures: number;
  readonly decision: FailureDecision;
  /** When the restart is due, for `restart` and `restart_already_pending`. */
  readonly restartAt: number | null;
}

/** Parameters of the `restartChild` action. */
export interface RestartOrder {
  readonly id: string;
  readonly kind: string;
  /** 1 for the first restart within the window. */
  readonly attempt: number;
}

/** Parameters of the `stopChild` and `escalate` actions. */
export interface EscalationOrder {
  readonly id: string;
  readonly kind: string;
  readonly reason: 'restart_limit' | 'supervisor_full';
  /** Restarts of this child within the window when it was given up on. */
  readonly restarts: number;
  readonly windowMs: number;
  readonly error: ErrorInfo;
}
