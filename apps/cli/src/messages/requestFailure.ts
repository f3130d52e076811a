import { errors } from '@nats-io/nats-core';
import { CliError, UsageError } from '../cli/CliError.js';
import { permissionDenied } from '../nats/PermissionWatch.js';

/**
 * Turns a failed `nc.request` into one clear line (exit code 1): nothing subscribed, no reply
 * in time, or a denied publish (nats.js wraps the server's error in a `RequestError`, so the
 * cause chain is searched).
 *
 * @example
 * try { await nc.request(subject, payload, { timeout }); }
 * catch (error) { throw requestFailure(error, { subject, timeoutMs: timeout, user }); }
 */
export function requestFailure(
  error: unknown,
  context: { readonly subject: string; readonly timeoutMs: number; readonly user: string | null },
): CliError {
  const { subject, timeoutMs, user } = context;
  const denied = causeOf(error, errors.PermissionViolationError);
  if (denied) return permissionDenied(denied, user);
  if (causeOf(error, errors.NoRespondersError)) {
    return new CliError(
      `no responders on "${subject}": nothing is subscribed to it (is the service running?)`,
      1,
      { cause: error },
    );
  }
  if (causeOf(error, errors.TimeoutError)) {
    return new CliError(
      `no reply on "${subject}" within ${timeoutMs} ms (a responder is subscribed but did not answer; raise --timeout?)`,
      1,
      { cause: error },
    );
  }
  if (causeOf(error, errors.InvalidSubjectError)) {
    return new UsageError(`invalid subject "${subject}": ${(error as Error).message}`, {
      cause: error,
    });
  }
  return new CliError(`request on "${subject}" failed: ${(error as Error)?.message ?? error}`, 1, {
    cause: error,
  });
}

// The first error of type `type` in `error`'s cause chain (at most 8 deep).
function causeOf<T extends Error>(
  error: unknown,
  type: abstract new (...args: never[]) => T,
): T | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    if (current instanceof type) return current;
    current = current.cause;
  }
  return undefined;
}
