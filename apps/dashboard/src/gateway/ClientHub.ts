import type { WebSocket } from 'ws';
import { type ChannelCloseReason, ClientChannel, type ClientLimits } from './ClientChannel.js';
import type { GatewayCounters, ServerMessage } from './gatewayMessages.js';

/** Options of a {@link ClientHub}. */
export interface ClientHubOptions extends ClientLimits {
  /** Browsers connected at once; more are refused (close code 1013, try again later). */
  readonly maxClients: number;
  readonly counters: GatewayCounters;
  /** Called when a client is gone, whatever the reason (to free its subscriptions). */
  readonly onLeave: (channel: ClientChannel) => void;
}

/**
 * The connected browsers. A broadcast is serialized once and offered to every client's
 * bounded channel; a client that cannot take it is dropped and counted, never queued for.
 *
 * @example
 * const hub = new ClientHub({ maxClients: 64, maxBufferedBytes: 1 << 20, maxQueuedFrames: 1000,
 *   counters, onLeave: (c) => watches.leave(c) });
 * const channel = hub.join(socket);
 * hub.broadcast({ type: 'error', entry });
 */
export class ClientHub {
  readonly #clients = new Set<ClientChannel>();
  readonly #o: ClientHubOptions;

  constructor(options: ClientHubOptions) {
    this.#o = options;
  }

  get size(): number {
    return this.#clients.size;
  }

  /** Adds a client, or refuses it (and returns null) when `maxClients` are connected. */
  join(socket: WebSocket): ClientChannel | null {
    const counters = this.#o.counters;
    if (this.#clients.size >= this.#o.maxClients) {
      counters.clientsRefused++;
      socket.close(1013, `at most ${this.#o.maxClients} dashboard clients`);
      return null;
    }
    const channel = new ClientChannel(socket, this.#o, (reason) => this.#leave(channel, reason));
    this.#clients.add(channel);
    counters.clients = this.#clients.size;
    counters.clientsTotal++;
    return channel;
  }

  /** Sends one message to every client. */
  broadcast(message: ServerMessage): void {
    if (this.#clients.size === 0) return;
    const text = JSON.stringify(message);
    const bytes = Buffer.byteLength(text);
    for (const channel of this.#clients) this.sendText(channel, text, bytes);
  }

  /** Sends one message to one client. */
  send(channel: ClientChannel, message: ServerMessage): void {
    const text = JSON.stringify(message);
    this.sendText(channel, text, Buffer.byteLength(text));
  }

  /** Sends an already serialized message (shared by several clients). */
  sendText(channel: ClientChannel, text: string, bytes: number): void {
    if (channel.sendText(text, bytes)) this.#o.counters.framesSent++;
  }

  /** Pings every client; closes those that did not answer the previous ping. */
  heartbeat(): void {
    for (const channel of [...this.#clients]) channel.heartbeat();
  }

  /** Disconnects every client (gateway stopping). */
  closeAll(): void {
    for (const channel of [...this.#clients]) channel.close('stopped');
  }

  #leave(channel: ClientChannel, reason: ChannelCloseReason): void {
    if (!this.#clients.delete(channel)) return;
    const counters = this.#o.counters;
    counters.clients = this.#clients.size;
    if (reason === 'slow') counters.slowClientsDropped++;
    if (reason === 'timeout') counters.clientsTimedOut++;
    this.#o.onLeave(channel);
  }
}
