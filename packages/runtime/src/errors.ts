/** Machine-readable reason an operation of `@ballast/runtime` failed. */
export type RuntimeErrorCode =
  | 'invalid_option'
  | 'topology_conflict'
  | 'lease_lost'
  | 'snapshot_conflict'
  | 'hydration_failed'
  | 'not_owner'
  | 'worker_stopped';

/** Base class of every error `@ballast/runtime` throws; `code` tells them apart. */
export class RuntimeError extends Error {
  readonly code: RuntimeErrorCode;

  constructor(code: RuntimeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RuntimeError';
    this.code = code;
  }
}

/** A worker or component option is out of range; the message names the option and the range. */
export class InvalidRuntimeOptionError extends RuntimeError {
  readonly option: string;
  readonly value: unknown;

  constructor(option: string, value: unknown, expected: string) {
    super('invalid_option', `option ${option} = ${String(value)} is invalid: expected ${expected}`);
    this.name = 'InvalidRuntimeOptionError';
    this.option = option;
    this.value = value;
  }
}

/** A stream or bucket exists with settings Ballast cannot reconcile (e.g. other subjects). */
export class TopologyConflictError extends RuntimeError {
  readonly resource: string;

  constructor(resource: string, message: string, options?: { cause?: unknown }) {
    super('topology_conflict', `${resource}: ${message}`, options);
    this.name = 'TopologyConflictError';
    this.resource = resource;
  }
}

/**
 * A snapshot write lost a compare-and-set: another writer (a worker that took over the
 * partition) stored a newer snapshot. The writer must stop folding this symbol.
 */
export class SnapshotConflictError extends RuntimeError {
  readonly symbol: string;

  constructor(symbol: string, options?: { cause?: unknown }) {
    super(
      'snapshot_conflict',
      `snapshot of ${symbol} was written by another worker since this one read it; ` +
        'this worker no longer owns the symbol and stops folding it',
      options,
    );
    this.name = 'SnapshotConflictError';
    this.symbol = symbol;
  }
}
