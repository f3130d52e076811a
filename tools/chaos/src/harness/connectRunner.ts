import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';

/**
 * The scenario's own connection (feed, queries, audits): every server, reconnecting forever,
 * no async stack trace per request (a large share of a feed's CPU otherwise).
 *
 * @example
 * const nc = await connectRunner([server.url]);
 */
export function connectRunner(
  servers: readonly string[],
  auth?: { readonly user: string; readonly pass: string },
): Promise<NatsConnection> {
  return connect({
    servers: [...servers],
    name: 'ballast chaos',
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    noAsyncTraces: true,
    ...(auth && { user: auth.user, pass: auth.pass }),
  });
}
