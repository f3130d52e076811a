import {
  actorQuerySubject,
  controlSubjects,
  encodeControl,
  isTimeframe,
  type Timeframe,
} from '@ballast/protocol';
import { decodeQuery, encodeQuery } from '@ballast/runtime';
import type { Msg, NatsConnection } from '@nats-io/nats-core';
import type { CandleWatches } from './CandleWatches.js';
import type { ClientChannel } from './ClientChannel.js';
import type { ClientHub } from './ClientHub.js';
import {
  type ClientRequest,
  type GatewayCounters,
  type InspectResult,
  type MachineName,
  machineNames,
} from './gatewayMessages.js';
import { jsonSafe } from './jsonSafe.js';
import { definitionOf } from './machineDefinitions.js';

/** Options of {@link BrowserRequests}. */
export interface BrowserRequestsOptions {
  readonly nc: NatsConnection;
  readonly hub: ClientHub;
  readonly watches: CandleWatches;
  readonly counters: GatewayCounters;
  /** A symbol query gives up after this long (a cold symbol is hydrated first). */
  readonly queryTimeoutMs: number;
  /** Requests one client may have in flight; more are refused. */
  readonly maxInFlightPerClient: number;
  /** Where `ballast inspect` serves the Stately inspector bridge. */
  readonly inspectorUrl: string;
}

/** Actor kinds a browser may switch inspection on for. */
const inspectableKinds = new Set(['symbol', 'breaker', 'reloader', 'supervisor']);

/**
 * Answers what a browser asks over its socket: a symbol query (proxied to
 * `actor.symbol.<S>.query`), a machine's statechart, following a symbol's candles, and
 * switching inspection on for an actor (`ctl.inspect`). One reply per request, matched by id;
 * a malformed request or one over the client's in-flight bound is refused and counted.
 *
 * @example
 * socket.on('message', (data) => requests.handle(channel, String(data)));
 */
export class BrowserRequests {
  readonly #o: BrowserRequestsOptions;
  readonly #inFlight = new WeakMap<ClientChannel, number>();

  constructor(options: BrowserRequestsOptions) {
    this.#o = options;
  }

  /** Handles one text frame from a browser. */
  handle(channel: ClientChannel, text: string): void {
    const { counters } = this.#o;
    let request: ClientRequest;
    try {
      request = JSON.parse(text) as ClientRequest;
    } catch {
      counters.requestsRefused++;
      return;
    }
    if (typeof request !== 'object' || request === null || !Number.isSafeInteger(request.id)) {
      counters.requestsRefused++;
      return;
    }
    const inFlight = this.#inFlight.get(channel) ?? 0;
    if (inFlight >= this.#o.maxInFlightPerClient) {
      counters.requestsRefused++;
      this.#reply(
        channel,
        request.id,
        false,
        `busy: at most ${this.#o.maxInFlightPerClient} requests at once`,
      );
      return;
    }
    this.#inFlight.set(channel, inFlight + 1);
    this.#answer(channel, request)
      .then(
        (result) => {
          counters.requests++;
          this.#reply(channel, request.id, true, result);
        },
        (error: unknown) => {
          counters.requestErrors++;
          this.#reply(channel, request.id, false, (error as Error)?.message ?? String(error));
        },
      )
      // A reply that cannot be sent (e.g. not serializable) must not become an unhandled rejection.
      .catch(() => {
        counters.requestErrors++;
      })
      .finally(() => this.#inFlight.set(channel, (this.#inFlight.get(channel) ?? 1) - 1));
  }

  async #answer(channel: ClientChannel, request: ClientRequest): Promise<unknown> {
    switch (request.type) {
      case 'query':
        return this.#query(request.symbol, request.tf, request.limit);
      case 'watch':
        if (request.symbol === null) {
          this.#o.watches.leave(channel);
          return { subject: null };
        }
        return {
          subject: this.#o.watches.watch(channel, request.symbol, timeframe(request.tf)),
        };
      case 'definition':
        if (!(machineNames as readonly string[]).includes(request.machine)) {
          throw new TypeError(
            `unknown machine ${JSON.stringify(request.machine)}: one of ${machineNames.join(', ')}`,
          );
        }
        return definitionOf(request.machine as MachineName);
      case 'inspect':
        return this.#inspect(request.actorKind, request.actorId);
      default:
        throw new TypeError(
          `unknown request type ${JSON.stringify((request as { type?: unknown }).type)}: query, watch, definition or inspect`,
        );
    }
  }

  async #query(symbol: unknown, tf: unknown, limit: unknown): Promise<unknown> {
    if (typeof symbol !== 'string') throw new TypeError('query needs a symbol');
    const subject = actorQuerySubject('symbol', symbol);
    const body: Record<string, unknown> = { tf: timeframe(tf) };
    if (typeof limit === 'number') body.limit = limit;
    let msg: Msg;
    try {
      msg = await this.#o.nc.request(subject, encodeQuery(body), {
        timeout: this.#o.queryTimeoutMs,
      });
    } catch (error) {
      throw new Error(
        `no worker answered ${subject} within ${this.#o.queryTimeoutMs} ms (${(error as Error).message}): is the cluster up and ${symbol} an instrument?`,
        { cause: error },
      );
    }
    const reply = jsonSafe(decodeQuery(msg.data)) as { error?: unknown };
    if (typeof reply?.error === 'string') throw new Error(reply.error);
    return reply;
  }

  async #inspect(actorKind: unknown, actorId: unknown): Promise<InspectResult> {
    if (typeof actorKind !== 'string' || !inspectableKinds.has(actorKind)) {
      throw new TypeError(`actorKind must be one of ${[...inspectableKinds].join(', ')}`);
    }
    if (typeof actorId !== 'string') throw new TypeError('inspect needs an actorId');
    // encodeControl checks the id is a valid subject token.
    const command = encodeControl({
      v: 1,
      type: 'inspect',
      enabled: true,
      actorKind,
      actorId,
      at: Date.now(),
    });
    this.#o.nc.publish(controlSubjects.inspect, command);
    await this.#o.nc.flush();
    this.#o.counters.inspectCommands++;
    return {
      subject: controlSubjects.inspect,
      command: `ballast inspect --actor ${actorKind}/${actorId}`,
      url: this.#o.inspectorUrl,
      note: 'Inspection of this actor is on. The Stately inspector page loads from stately.ai, so the browser that opens it needs internet; the dashboard itself works offline.',
    };
  }

  #reply(channel: ClientChannel, id: number, ok: boolean, payload: unknown): void {
    this.#o.hub.send(
      channel,
      ok
        ? { type: 'reply', id, ok: true, result: payload }
        : { type: 'reply', id, ok: false, error: String(payload) },
    );
  }
}

function timeframe(tf: unknown): Timeframe {
  if (tf === undefined) return '1m';
  if (typeof tf === 'string' && isTimeframe(tf)) return tf;
  throw new TypeError(`unknown timeframe ${JSON.stringify(tf)}: 1m, 5m, 15m, 30m, 1h, 4h or 1d`);
}
