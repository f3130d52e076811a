import { errors, type NatsConnection, type PermissionViolationError } from '@nats-io/nats-core';
import { CliError } from '../cli/CliError.js';

/** At most this many violations are kept; more are only counted. */
const keep = 16;

/**
 * Collects the permission violations the server reports on a connection. A denied publish is
 * not an exception in NATS: the server answers with an async `-ERR`, so a command that must
 * know (e.g. `ballast pub`) flushes, then asks {@link PermissionWatch.check}.
 *
 * @example
 * nc.publish('md.tick.0.AAPL', data);
 * await nc.flush();
 * await watch.check(); // throws "permission denied: user "cli" may not publish to ..."
 */
export class PermissionWatch {
  readonly violations: PermissionViolationError[] = [];
  /** Every violation, including the ones not kept. */
  count = 0;
  readonly #user: string | null;

  constructor(nc: NatsConnection, user: string | null) {
    this.#user = user;
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type !== 'error' || !(status.error instanceof errors.PermissionViolationError)) {
          continue;
        }
        this.count++;
        if (this.violations.length < keep) this.violations.push(status.error);
      }
    })();
  }

  /**
   * Throws the first violation as a clear error naming the user, operation and subject. Call it
   * after `await nc.flush()`: the server's `-ERR` came before its PONG; this waits one more
   * event-loop turn for the client's status iterator to hand it over.
   * @throws {CliError}
   */
  async check(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const first = this.violations[0];
    if (first !== undefined) throw permissionDenied(first, this.#user);
  }
}

/**
 * The error a command reports for a denied operation.
 *
 * @example
 * throw permissionDenied(error, 'cli');
 */
export function permissionDenied(error: PermissionViolationError, user: string | null): CliError {
  const who = user === null ? 'this connection' : `user "${user}"`;
  const verb = error.operation === 'subscription' ? 'subscribe to' : 'publish to';
  return new CliError(
    `permission denied: ${who} may not ${verb} "${error.subject}" (connect as a user allowed to, e.g. --user admin; roles and their subjects are in README "Security")`,
    1,
    { cause: error },
  );
}
