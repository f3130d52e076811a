/**
 * Waits `ms` or until `signal` aborts, whichever comes first; never rejects. The timer is
 * unref'd (the NATS connection keeps a feed alive) and cleared on abort.
 *
 * @example
 * await abortableSleep(250, stop.signal);
 * if (stop.signal.aborted) return;
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    timer.unref();
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** A sleep as {@link abortableSleep}; tests pass one that advances a fake clock instead. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;
