import { errors } from '@nats-io/nats-core';
import type { CliError } from '../../cli/CliError.js';
import { permissionDenied } from '../../nats/PermissionWatch.js';

/**
 * The permission violation behind a failed request, if any: nats.js wraps it in a
 * `RequestError` (a JetStream or KV call wraps it once more), so walk the cause chain.
 *
 * @example
 * const denied = deniedBy(error);
 * if (denied) throw denied;
 */
export function deniedBy(error: unknown, user: string | null = null): CliError | null {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    if (current instanceof errors.PermissionViolationError) return permissionDenied(current, user);
    current = current.cause;
  }
  return null;
}

/**
 * Whether a request failed because nobody listens on its subject.
 *
 * @example
 * if (isNoResponders(error)) return [];
 */
export function isNoResponders(error: unknown): boolean {
  return (
    error instanceof errors.NoRespondersError ||
    (error instanceof errors.RequestError && error.isNoResponders())
  );
}
