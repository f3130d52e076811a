import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `check` until it returns a value other than undefined/false; `undefined` when
 * `timeoutMs` passed first (the caller decides whether that is a failure or a figure).
 *
 * @example
 * const owned = await pollUntil(() => statuses.length === 3 || undefined, 10_000);
 */
export async function pollUntil<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  everyMs = 100,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) return undefined;
    await sleep(everyMs);
  }
}

/**
 * {@link pollUntil} that throws naming `what` on a timeout.
 *
 * @example
 * await waitFor('3 workers', async () => (await workerStatuses(nc)).length === 3, 20_000);
 */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  everyMs = 100,
): Promise<T> {
  const value = await pollUntil(check, timeoutMs, everyMs);
  if (value === undefined) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
  return value;
}
