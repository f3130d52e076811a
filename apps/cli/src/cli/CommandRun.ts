import type { NatsConnection } from '@nats-io/nats-core';
import { CliError } from './CliError.js';
import { onStopSignal } from './onStopSignal.js';

/**
 * How a long-running command (`sub`, `inspect`) ends: settled once — by Ctrl-C or SIGTERM, by
 * the NATS connection closing under it (e.g. the server revoked the user: fail instead of
 * hanging), or by the command itself, with or without a failure. The first failure wins.
 *
 * @example
 * const run = new CommandRun(nc);
 * try {
 *   sub.callback = (_e, msg) => { if (++n === count) run.finish(); };
 *   await run.ended(); // throws the failure, if any
 * } finally {
 *   run.dispose();
 * }
 */
export class CommandRun {
  #failure: Error | undefined;
  #settle: () => void = () => {};
  readonly #done = new Promise<void>((resolve) => {
    this.#settle = resolve;
  });
  readonly #removeSignalHandlers: () => void;

  constructor(nc: NatsConnection) {
    this.#removeSignalHandlers = onStopSignal(() => this.finish());
    void nc
      .closed()
      .then((error) =>
        this.finish(new CliError(`connection to NATS closed${error ? `: ${error.message}` : ''}`)),
      );
  }

  /** The first failure so far, if any. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /** Ends the run; a failure is kept unless one came first. */
  finish(failure?: Error): void {
    this.#failure ??= failure;
    this.#settle();
  }

  /**
   * Resolves when the run ended.
   * @throws the first failure given to {@link CommandRun.finish}
   */
  async ended(): Promise<void> {
    await this.#done;
    if (this.#failure) throw this.#failure;
  }

  /** Removes the signal handlers (the connection is the command's to close). */
  dispose(): void {
    this.#removeSignalHandlers();
  }
}
