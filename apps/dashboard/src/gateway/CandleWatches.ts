import { candleSubject, decodeCandle, type Timeframe } from '@ballast/protocol';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import type { ClientChannel } from './ClientChannel.js';
import type { ClientHub } from './ClientHub.js';
import type { GatewayCounters, ServerMessage } from './gatewayMessages.js';

interface Watch {
  readonly subscription: Subscription;
  readonly clients: Set<ClientChannel>;
}

/**
 * Which browser follows which symbol's candles. Each client follows at most one
 * `md.candle.<tf>.<SYMBOL>` subject, and a subject has one NATS subscription however many
 * clients follow it (dropped with the last one), so subscriptions are bounded by clients.
 *
 * @example
 * watches.watch(channel, 'AAPL', '1m'); // candles of AAPL go to this client
 * watches.leave(channel);               // and stop
 */
export class CandleWatches {
  readonly #nc: NatsConnection;
  readonly #hub: ClientHub;
  readonly #counters: GatewayCounters;
  readonly #bySubject = new Map<string, Watch>();
  readonly #byClient = new Map<ClientChannel, string>();

  constructor(nc: NatsConnection, hub: ClientHub, counters: GatewayCounters) {
    this.#nc = nc;
    this.#hub = hub;
    this.#counters = counters;
  }

  /** Subjects followed now (one NATS subscription each). */
  get subjects(): number {
    return this.#bySubject.size;
  }

  /**
   * Makes `channel` follow one symbol's candles of one timeframe, instead of what it followed.
   *
   * @throws {ProtocolError} `bad_subject` for an invalid symbol
   */
  watch(channel: ClientChannel, symbol: string, tf: Timeframe): string {
    const subject = candleSubject(tf, symbol);
    if (this.#byClient.get(channel) === subject) return subject;
    this.leave(channel);
    let watch = this.#bySubject.get(subject);
    if (watch === undefined) {
      watch = {
        subscription: this.#nc.subscribe(subject, {
          callback: (error, msg) => {
            if (error === null) this.#deliver(subject, msg.data);
          },
        }),
        clients: new Set(),
      };
      this.#bySubject.set(subject, watch);
    }
    watch.clients.add(channel);
    this.#byClient.set(channel, subject);
    return subject;
  }

  /** Stops whatever `channel` follows. */
  leave(channel: ClientChannel): void {
    const subject = this.#byClient.get(channel);
    if (subject === undefined) return;
    this.#byClient.delete(channel);
    const watch = this.#bySubject.get(subject);
    if (watch === undefined) return;
    watch.clients.delete(channel);
    if (watch.clients.size === 0) {
      watch.subscription.unsubscribe();
      this.#bySubject.delete(subject);
    }
  }

  stop(): void {
    for (const watch of this.#bySubject.values()) watch.subscription.unsubscribe();
    this.#bySubject.clear();
    this.#byClient.clear();
  }

  #deliver(subject: string, data: Uint8Array): void {
    this.#counters.natsMessages++;
    const watch = this.#bySubject.get(subject);
    if (watch === undefined) return;
    let message: ServerMessage;
    try {
      message = { type: 'candle', candle: decodeCandle(data, { subject }) };
    } catch {
      this.#counters.invalidMessages++;
      return;
    }
    const text = JSON.stringify(message);
    const bytes = Buffer.byteLength(text);
    // A copy: a client dropped as slow leaves the set while we iterate.
    for (const channel of [...watch.clients]) this.#hub.sendText(channel, text, bytes);
  }
}
