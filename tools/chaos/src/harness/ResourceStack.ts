/**
 * Clean-ups run last-in first-out on dispose, each even when an earlier one failed: a
 * scenario registers every process, connection and server it starts, and a failure half-way
 * still leaves nothing running.
 *
 * @example
 * await using resources = new ResourceStack();
 * const server = resources.add(await NatsServer.start());
 * resources.defer(() => nc.close());
 */
export class ResourceStack implements AsyncDisposable {
  readonly #cleanups: (() => unknown)[] = [];

  /** Registers an async-disposable resource and returns it. */
  add<T extends AsyncDisposable>(resource: T): T {
    this.#cleanups.push(() => resource[Symbol.asyncDispose]());
    return resource;
  }

  /** Registers a clean-up function. */
  defer(cleanup: () => unknown): void {
    this.#cleanups.push(cleanup);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    const errors: unknown[] = [];
    for (let cleanup = this.#cleanups.pop(); cleanup; cleanup = this.#cleanups.pop()) {
      try {
        await cleanup();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, 'clean-up failed');
  }
}
