/**
 * Calls `stop` once on the first SIGINT or SIGTERM, and keeps Node from exiting on them, so
 * a long-running command can drain its connection and exit 0. The returned function removes
 * the handlers.
 *
 * @example
 * const stopped = new Promise<void>((resolve) => { removeHandlers = onStopSignal(resolve); });
 */
export function onStopSignal(stop: (signal: NodeJS.Signals) => void): () => void {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  let called = false;
  const handler = (signal: NodeJS.Signals) => {
    if (called) return;
    called = true;
    stop(signal);
  };
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}
