import { symbolLifecycle } from '@ballast/machines';
import { parseActorQuerySubject, partition, systemSubjects } from '@ballast/protocol';
import type { Candle } from '@ballast/streams';
import type { Msg, NatsConnection, Subscription } from '@nats-io/nats-core';
import type { SymbolHost } from '../actors/SymbolHost.js';
import type { Logger } from '../logger.js';
import {
  encodeQuery,
  parseSymbolQuery,
  type QueryErrorReply,
  type SymbolQueryReply,
} from './queryMessages.js';

/** Dependencies of a {@link QueryService}. */
export interface QueryServiceDeps {
  readonly nc: NatsConnection;
  readonly workerId: string;
  readonly partitions: number;
  readonly host: SymbolHost;
  readonly log: Logger;
  /** The last sequence the partition's consumer routed, or `undefined` if not owned here. */
  readonly processed: (partition: number) => number | undefined;
  /** Other actor kinds this worker answers for (`breaker`, `reloader`): id -> state or undefined. */
  readonly actors: Readonly<Record<string, (id: string) => object | undefined>>;
  /** This worker's entry for `sys.workers`. */
  readonly status: () => object;
  /** Queries answered at once; more are refused with `busy` (a cold symbol costs a hydration). */
  readonly maxInFlight?: number;
}

/** Counters of a {@link QueryService}. */
export interface QueryServiceCounters {
  answered: number;
  /** Symbol queries for partitions another worker owns (left to that worker). */
  notOwner: number;
  refusedBusy: number;
  badRequests: number;
  failed: number;
}

/**
 * Answers `actor.<kind>.<id>.query` (request/reply, msgpack) and `sys.workers` requests.
 * Symbol queries are answered only by the worker owning the symbol's partition — the others
 * stay silent, so a requester gets exactly one reply. The reply is read between two ticks
 * (the fold is synchronous), so it is one consistent state; a passivated symbol is hydrated
 * first, replayed up to where its partition's consumer is.
 *
 * @example
 * const queries = new QueryService(deps);
 * queries.start();
 */
export class QueryService {
  readonly counters: QueryServiceCounters = {
    answered: 0,
    notOwner: 0,
    refusedBusy: 0,
    badRequests: 0,
    failed: 0,
  };
  readonly #d: QueryServiceDeps;
  readonly #subscriptions: Subscription[] = [];
  #inFlight = 0;

  constructor(deps: QueryServiceDeps) {
    this.#d = deps;
  }

  start(): void {
    const { nc } = this.#d;
    this.#subscriptions.push(
      nc.subscribe('actor.*.*.query', { callback: (_, msg) => this.#onQuery(msg) }),
      nc.subscribe(systemSubjects.workers, {
        // Presence announcements on the same subject carry no reply subject.
        callback: (_, msg) => {
          if (msg.reply) this.#respond(msg, this.#d.status());
        },
      }),
    );
  }

  stop(): void {
    for (const sub of this.#subscriptions) sub.unsubscribe();
    this.#subscriptions.length = 0;
  }

  #onQuery(msg: Msg): void {
    if (!msg.reply) return;
    let kind: string;
    let id: string;
    try {
      ({ actorKind: kind, id } = parseActorQuerySubject(msg.subject));
    } catch (error) {
      this.counters.badRequests++;
      this.#respond(msg, { v: 1, error: (error as Error).message } satisfies QueryErrorReply);
      return;
    }
    if (kind !== 'symbol') {
      const state = this.#d.actors[kind]?.(id);
      if (state !== undefined) this.#respond(msg, state);
      return;
    }
    const p = partition(id, this.#d.partitions);
    const processed = this.#d.processed(p);
    if (processed === undefined) {
      this.counters.notOwner++;
      return;
    }
    if (this.#inFlight >= (this.#d.maxInFlight ?? 64)) {
      this.counters.refusedBusy++;
      this.#respond(msg, { v: 1, error: 'busy: too many queries in flight, retry' });
      return;
    }
    this.#inFlight++;
    this.#symbol(msg, id, p, processed)
      .catch((error: unknown) => {
        this.counters.failed++;
        this.#d.log.warn({ err: error, symbol: id }, 'symbol query failed');
        this.#respond(msg, { v: 1, error: `query of ${id} failed: ${(error as Error).message}` });
      })
      .finally(() => {
        this.#inFlight--;
      });
  }

  async #symbol(msg: Msg, symbol: string, p: number, processed: number): Promise<void> {
    let request: ReturnType<typeof parseSymbolQuery>;
    try {
      request = parseSymbolQuery(msg.data);
    } catch (error) {
      this.counters.badRequests++;
      this.#respond(msg, { v: 1, error: (error as Error).message } satisfies QueryErrorReply);
      return;
    }
    const entry = await this.#d.host.activate(symbol, p, processed + 1, false);
    const actor = entry?.actor ?? null;
    const base = { v: 1, kind: 'symbol', symbol, worker: this.#d.workerId, partition: p } as const;
    if (actor === null) {
      this.#respond(msg, {
        ...base,
        found: false,
        lifecycle: 'unknown',
        lastAppliedSeq: 0,
        digest: '',
        quote: null,
        tf: request.tf,
        candles: [],
        openInterest: null,
      } satisfies SymbolQueryReply);
      return;
    }
    // Everything below is read synchronously: no tick can land in between.
    const snapshot = actor.getSnapshot();
    const book = snapshot.context.book;
    const window = book.windows[request.tf];
    const count = Math.min(request.limit, window.length);
    const candles: Candle[] = [];
    for (let age = count - 1; age >= 0; age--) candles.push(window.candle(age));
    this.#respond(msg, {
      ...base,
      found: true,
      lifecycle: symbolLifecycle(snapshot),
      lastAppliedSeq: book.lastAppliedSeq,
      digest: book.digest(),
      quote: book.quote,
      tf: request.tf,
      candles,
      openInterest: book.openInterestLength > 0 ? book.openInterest(0).value : null,
    } satisfies SymbolQueryReply);
  }

  #respond(msg: Msg, reply: object): void {
    try {
      msg.respond(encodeQuery(reply));
      this.counters.answered++;
    } catch (error) {
      this.counters.failed++;
      this.#d.log.warn({ err: error, subject: msg.subject }, 'query reply failed');
    }
  }
}
