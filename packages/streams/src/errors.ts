/** Machine-readable reason a `@ballast/streams` operation failed. */
export type StreamsErrorCode =
  | 'buffer_overflow'
  | 'invalid_option'
  | 'index_out_of_range'
  | 'invalid_snapshot';

/**
 * Base class of every error `@ballast/streams` throws; `code` tells them apart.
 *
 * @example
 * try {
 *   ring.slotOfAge(10);
 * } catch (error) {
 *   if (error instanceof StreamsError && error.code === 'index_out_of_range') report(error);
 * }
 */
export class StreamsError extends Error {
  readonly code: StreamsErrorCode;

  constructor(code: StreamsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StreamsError';
    this.code = code;
  }
}

/**
 * A bounded buffer with `overflow: 'error'` was offered an item while full. The stream that
 * owns the buffer errors with this instead of growing.
 *
 * @example
 * source.pipe(boundedBuffer({ capacity: 100, overflow: 'error', consumer })).subscribe({
 *   error: (e) => e instanceof BufferOverflowError && alert(`full at ${e.capacity}`),
 * });
 */
export class BufferOverflowError extends StreamsError {
  /** The buffer's fixed capacity, which the rejected item would have exceeded. */
  readonly capacity: number;
  /** Items offered to the buffer so far, the rejected one included. */
  readonly offered: number;

  constructor(capacity: number, offered: number, options?: { cause?: unknown }) {
    super(
      'buffer_overflow',
      `Bounded buffer is full (capacity ${capacity}, ${offered} items offered); ` +
        "the consumer is too slow. Raise capacity, add consumer concurrency, or use overflow 'drop-oldest' / 'drop-newest' to shed load.",
      options,
    );
    this.name = 'BufferOverflowError';
    this.capacity = capacity;
    this.offered = offered;
  }
}

/**
 * An option is out of its domain (a capacity of 0, a negative interval, NaN). The message
 * names the option, the value and what is allowed.
 *
 * @example
 * new LruWindow({ maxKeys: 0 }); // throws InvalidOptionError: maxKeys must be an integer >= 1
 */
export class InvalidOptionError extends StreamsError {
  /** The option's name, e.g. `capacity`. */
  readonly option: string;
  /** The rejected value. */
  readonly value: unknown;

  constructor(option: string, value: unknown, expected: string, options?: { cause?: unknown }) {
    super('invalid_option', `${option} must be ${expected}; got ${String(value)}`, options);
    this.name = 'InvalidOptionError';
    this.option = option;
    this.value = value;
  }
}

/**
 * A ring snapshot cannot be restored: its columns, capacity, head or length disagree.
 *
 * @example
 * try {
 *   CandleWindow.restore(stored);
 * } catch (error) {
 *   if (error instanceof RingSnapshotError) rebuildFromLog();
 * }
 */
export class RingSnapshotError extends StreamsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_snapshot', message, options);
    this.name = 'RingSnapshotError';
  }
}
