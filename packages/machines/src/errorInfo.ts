/**
 * What machines keep of an error: plain strings, so a snapshot holding it persists and
 * restores as JSON (a live `Error` would lose its class and stack on the way).
 */
export interface ErrorInfo {
  readonly message: string;
  /** `error.code` when the error has one (nats.js, Node and Ballast errors do). */
  readonly code?: string;
  /** `error.name`, e.g. `'TypeError'`, when it is an `Error`. */
  readonly name?: string;
}

// A message is diagnostic text, not a payload: cap it so one huge error cannot bloat snapshots.
const maxMessageLength = 1_000;

/**
 * Describes any thrown value as an {@link ErrorInfo}.
 *
 * @param error - whatever was thrown or rejected with
 * @returns message, and code and name when present
 * @example
 * toErrorInfo(Object.assign(new Error('no responders'), { code: '503' }));
 * // { message: 'no responders', code: '503', name: 'Error' }
 */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof Error) {
    const code = codeOf(error);
    return {
      message: clip(error.message),
      ...(code !== undefined && { code }),
      name: error.name,
    };
  }
  if (typeof error === 'object' && error !== null) {
    const message = (error as { message?: unknown }).message;
    const code = codeOf(error);
    return {
      message: clip(typeof message === 'string' ? message : safeJson(error)),
      ...(code !== undefined && { code }),
    };
  }
  return { message: clip(String(error)) };
}

/**
 * Describes `error.cause`, when there is one, as an {@link ErrorInfo}.
 *
 * @example
 * causeOf(new Error('reload failed', { cause: new Error('timeout') }))?.message // 'timeout'
 */
export function causeOf(error: unknown): ErrorInfo | undefined {
  if (typeof error !== 'object' || error === null || !('cause' in error)) return undefined;
  const cause = (error as { cause?: unknown }).cause;
  return cause === undefined ? undefined : toErrorInfo(cause);
}

function codeOf(error: object): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' || typeof code === 'number' ? String(code) : undefined;
}

function clip(message: string): string {
  return message.length > maxMessageLength ? `${message.slice(0, maxMessageLength)}…` : message;
}

function safeJson(value: object): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
