/**
 * Errors after which the same JetStream request may succeed: a timeout, or no responders
 * (nats.js says `JetStreamNotEnabled`) while a stream leader is elected, a cluster forms or a
 * server restarts. Checked by name: two copies of nats.js in one process would defeat
 * `instanceof`.
 *
 * @example
 * if (isTransientNatsError(error) && attemptsLeft > 0) await retry();
 */
export function isTransientNatsError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  switch (error.name) {
    case 'TimeoutError':
    case 'JetStreamNotEnabled':
    case 'NoRespondersError':
      return true;
    case 'RequestError':
      return (error as { isNoResponders?: () => boolean }).isNoResponders?.() === true;
    case 'JetStreamApiError':
      // 503: "JetStream system temporarily unavailable".
      return (error as { status?: number }).status === 503;
    default:
      return false;
  }
}
