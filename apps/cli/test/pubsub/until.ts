/**
 * Polls `condition` every 10 ms until it holds; fails naming `what` after `timeoutMs`.
 *
 * @example
 * await until('3 acks', () => sink.counters.acked === 3);
 */
export async function until(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
