import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import type { Logger } from '../logger.js';
import type { ConnectionStatus } from '../metrics/metricsSource.js';

/** Counters and state of a watched connection. */
export interface ConnectionState {
  status: ConnectionStatus;
  reconnects: number;
  disconnects: number;
  errors: number;
}

/** Options of {@link connectNats}. */
export interface ConnectNatsOptions {
  /** Every server URL of the cluster: the client fails over between them. */
  readonly servers: string | readonly string[];
  /** Client name shown by the server's monitoring (`/connz`). */
  readonly name: string;
  readonly log: Logger;
  /** Credentials, e.g. `{ user, pass }` or an authenticator, passed through to nats.js. */
  readonly auth?: Readonly<Record<string, unknown>>;
}

/**
 * Connects to NATS as a long-running service: unlimited reconnects (nats.js gives up after
 * 10 by default), the server list kept as given, and every status change logged and counted
 * in `state` — a worker never loses its connection silently.
 *
 * @example
 * const { nc, state } = await connectNats({ servers: cluster.urls, name: 'worker-1', log });
 */
export async function connectNats(
  options: ConnectNatsOptions,
): Promise<{ nc: NatsConnection; state: ConnectionState }> {
  const servers = typeof options.servers === 'string' ? [options.servers] : [...options.servers];
  const nc = await connect({
    servers,
    name: options.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    pingInterval: 10_000,
    // Otherwise nats.js builds an Error (a stack trace) for every request and publish ack in
    // case it fails: ~10% of a worker's CPU while hydrating. Failures still carry a message.
    noAsyncTraces: true,
    ...options.auth,
  });
  const state: ConnectionState = { status: 'connected', reconnects: 0, disconnects: 0, errors: 0 };
  const log = options.log;
  void (async () => {
    for await (const s of nc.status()) {
      switch (s.type) {
        case 'disconnect':
          state.status = 'disconnected';
          state.disconnects++;
          log.warn({ server: s.server }, 'NATS connection lost; reconnecting');
          break;
        case 'reconnecting':
          state.status = 'reconnecting';
          break;
        case 'reconnect':
          state.status = 'connected';
          state.reconnects++;
          log.info({ server: s.server }, 'NATS reconnected');
          break;
        case 'error':
          state.errors++;
          log.error({ err: s.error }, 'NATS connection error');
          break;
        default:
          break;
      }
    }
  })();
  void nc.closed().then((error) => {
    state.status = 'closed';
    if (error) log.error({ err: error }, 'NATS connection closed with an error');
  });
  return { nc, state };
}
