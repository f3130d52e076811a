import { hostname } from 'node:os';
import { type Candle, decodeCandle, encodePlain } from '@ballast/protocol';
import { encodeSinkReply, sinkSubject } from '@ballast/runtime';
import type { Msg, NatsConnection, Subscription } from '@nats-io/nats-core';
import {
  encodeSinkControlReply,
  parseSinkFaultsPatch,
  type SinkFaults,
  type SinkFaultsPatch,
  type SinkSettings,
  sinkControlSubject,
  sinkFaultsSchema,
  sinkStatsSubject,
} from './sinkSettings.js';
import type { SinkCounters, SinkStats } from './sinkStats.js';

/** Options of {@link SinkService.start}. */
export interface SinkServiceOptions {
  readonly nc: NatsConnection;
  /** Faults at start; each can change later through `ctl.sink.set`. Default: none. */
  readonly faults?: Partial<SinkFaults>;
  /** Requests waiting out `latencyMs` at once; more are refused. Default 256. */
  readonly maxInFlight?: number;
  /** Distinct symbols tabled (count + last candle); more are only counted. Default 10,000. */
  readonly maxSymbols?: number;
  /** How often stats go out on `sys.sink`; 0 turns that off. Default 2,000 ms. */
  readonly statsIntervalMs?: number;
  /** Instance name in the stats. Default `sink-<host>-<pid>`. */
  readonly id?: string;
  /** Draws for `failRate`, in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
  /** Told about each settings change (and refusal), for the command's log. */
  readonly onSettings?: (event: SinkSettingsEvent) => void;
}

/** A `ctl.sink.set` request the sink applied or refused. */
export type SinkSettingsEvent =
  | { readonly applied: true; readonly changed: boolean; readonly settings: SinkSettings }
  | { readonly applied: false; readonly error: string };

/** What the sink keeps per symbol: a count and the newest candle, not a history. */
export interface SymbolRecord {
  count: number;
  last: Candle;
}

interface Pending {
  readonly msg: Msg;
  readonly candle: Candle;
  readonly fail: boolean;
  readonly timer: NodeJS.Timeout;
}

/**
 * The downstream service workers send closed candles to (`sink.candles`, request/reply, queue
 * group `sink`), with faults to inject so the workers' circuit breakers can be watched at
 * work: `latencyMs` before each answer, a `failRate` of error replies (`encodeSinkReply({ ok:
 * false })`), and `down`, where it stays subscribed but answers nothing, so requests time
 * out — an outage as a breaker sees it (an unsubscribed sink would give "no responders").
 *
 * At most `maxInFlight` requests wait out their latency; the next is refused with an error
 * reply and counted. Faults change at run time by `ctl.sink.set` (every instance applies it;
 * the requester gets the first answer). Stats go out on `sys.sink` every 2 s.
 *
 * @example
 * await using sink = await SinkService.start({ nc, faults: { failRate: 0.1, latencyMs: 5 } });
 * sink.counters.acked; // candles stored so far
 */
export class SinkService implements AsyncDisposable {
  readonly id: string;
  readonly counters: SinkCounters = {
    received: 0,
    acked: 0,
    failed: 0,
    refused: 0,
    ignoredWhileDown: 0,
    invalid: 0,
    notRequests: 0,
    inFlight: 0,
    symbolsOverflowed: 0,
    settingsApplied: 0,
    settingsRejected: 0,
    statsPublished: 0,
    statsFailed: 0,
    replyErrors: 0,
  };
  readonly #nc: NatsConnection;
  readonly #maxInFlight: number;
  readonly #maxSymbols: number;
  readonly #random: () => number;
  readonly #onSettings: ((event: SinkSettingsEvent) => void) | undefined;
  readonly #symbols = new Map<string, SymbolRecord>();
  readonly #pending = new Set<Pending>();
  readonly #subscriptions: Subscription[] = [];
  #faults: SinkFaults;
  #statsTimer: NodeJS.Timeout | undefined;
  #stopped: Promise<void> | undefined;

  private constructor(options: SinkServiceOptions) {
    this.#nc = options.nc;
    this.id = options.id ?? `sink-${hostname()}-${process.pid}`;
    this.#maxInFlight = options.maxInFlight ?? 256;
    this.#maxSymbols = options.maxSymbols ?? 10_000;
    this.#random = options.random ?? Math.random;
    this.#onSettings = options.onSettings;
    this.#faults = sinkFaultsSchema.parse({
      down: false,
      failRate: 0,
      latencyMs: 0,
      ...options.faults,
    });
    if (!Number.isInteger(this.#maxInFlight) || this.#maxInFlight < 1) {
      throw new RangeError(`maxInFlight must be an integer >= 1, got ${this.#maxInFlight}`);
    }
  }

  /**
   * Subscribes and starts answering; resolves once the server has the subscriptions, so a
   * request sent afterwards reaches this sink.
   * @throws {ZodError | RangeError} invalid faults or bounds
   */
  static async start(options: SinkServiceOptions): Promise<SinkService> {
    const service = new SinkService(options);
    const nc = service.#nc;
    service.#subscriptions.push(
      nc.subscribe(sinkSubject, {
        queue: 'sink',
        callback: (error, msg) => {
          if (error === null) service.#onCandle(msg);
        },
      }),
      nc.subscribe(sinkControlSubject, {
        callback: (error, msg) => {
          if (error === null) service.#onControl(msg);
        },
      }),
    );
    const interval = options.statsIntervalMs ?? 2_000;
    if (interval > 0) {
      service.#statsTimer = setInterval(() => service.publishStats(), interval);
      service.#statsTimer.unref();
    }
    await nc.flush();
    return service;
  }

  /** The settings in force. */
  get settings(): SinkSettings {
    return { ...this.#faults, maxInFlight: this.#maxInFlight };
  }

  /** Symbols with a stored candle. */
  get symbolCount(): number {
    return this.#symbols.size;
  }

  /** The count and newest candle stored for `symbol`. */
  symbol(symbol: string): Readonly<SymbolRecord> | undefined {
    return this.#symbols.get(symbol);
  }

  /** A snapshot of the counters and settings, as published on `sys.sink`. */
  stats(now = Date.now()): SinkStats {
    return {
      v: 1,
      id: this.id,
      at: now,
      settings: this.settings,
      counters: { ...this.counters },
      symbols: this.#symbols.size,
    };
  }

  /**
   * Applies a change of faults, as `ctl.sink.set` does.
   * @throws {ZodError} a value out of range
   */
  update(patch: SinkFaultsPatch): SinkSettings {
    // An absent or undefined field keeps its value.
    const given = Object.entries(patch).filter(([, value]) => value !== undefined);
    this.#faults = sinkFaultsSchema.parse({ ...this.#faults, ...Object.fromEntries(given) });
    return this.settings;
  }

  /** Publishes the stats on `sys.sink` now (the timer does so every interval). */
  publishStats(): void {
    try {
      this.#nc.publish(sinkStatsSubject, encodePlain(this.stats()));
      this.counters.statsPublished++;
    } catch {
      // A closed or draining connection: counted, and the next interval tries again.
      this.counters.statsFailed++;
    }
  }

  /**
   * Stops taking requests, answers the ones waiting out their latency at once (they were
   * accepted), and stops the stats timer. Idempotent; leaves the connection open.
   */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      clearInterval(this.#statsTimer);
      for (const sub of this.#subscriptions) sub.unsubscribe();
      for (const pending of [...this.#pending]) {
        clearTimeout(pending.timer);
        this.#complete(pending);
      }
      if (!this.#nc.isClosed()) await this.#nc.flush().catch(() => undefined);
    })();
    return this.#stopped;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  #onCandle(msg: Msg): void {
    const c = this.counters;
    c.received++;
    if (!msg.reply) {
      c.notRequests++;
      return;
    }
    if (this.#faults.down) {
      c.ignoredWhileDown++;
      return;
    }
    let candle: Candle;
    try {
      candle = decodeCandle(msg.data, { subject: msg.subject });
    } catch (error) {
      c.invalid++;
      this.#reply(
        msg,
        encodeSinkReply({ ok: false, error: `invalid candle: ${(error as Error).message}` }),
      );
      return;
    }
    const fail = this.#faults.failRate > 0 && this.#random() < this.#faults.failRate;
    const latencyMs = this.#faults.latencyMs;
    if (latencyMs === 0) {
      this.#answer(msg, candle, fail);
      return;
    }
    // The bound is checked before anything is held: a refused request costs no memory.
    if (this.#pending.size >= this.#maxInFlight) {
      c.refused++;
      this.#reply(
        msg,
        encodeSinkReply({
          ok: false,
          error: `sink busy: ${this.#maxInFlight} requests already in flight`,
        }),
      );
      return;
    }
    const pending: Pending = {
      msg,
      candle,
      fail,
      timer: setTimeout(() => this.#complete(pending), latencyMs),
    };
    pending.timer.unref();
    this.#pending.add(pending);
    c.inFlight = this.#pending.size;
  }

  #complete(pending: Pending): void {
    if (!this.#pending.delete(pending)) return;
    this.counters.inFlight = this.#pending.size;
    // Went down while this one waited: an outage answers nothing, old requests included.
    if (this.#faults.down) {
      this.counters.ignoredWhileDown++;
      return;
    }
    this.#answer(pending.msg, pending.candle, pending.fail);
  }

  #answer(msg: Msg, candle: Candle, fail: boolean): void {
    if (fail) {
      this.counters.failed++;
      this.#reply(
        msg,
        encodeSinkReply({
          ok: false,
          error: `injected failure (fail rate ${this.#faults.failRate})`,
        }),
      );
      return;
    }
    this.counters.acked++;
    this.#store(candle);
    this.#reply(msg, encodeSinkReply({ ok: true }));
  }

  // A throw here would escape into nats.js's dispatch; a lost answer is counted instead.
  #reply(msg: Msg, data: Uint8Array): void {
    try {
      msg.respond(data);
    } catch {
      this.counters.replyErrors++;
    }
  }

  #store(candle: Candle): void {
    const record = this.#symbols.get(candle.symbol);
    if (record !== undefined) {
      record.count++;
      record.last = candle;
    } else if (this.#symbols.size < this.#maxSymbols) {
      this.#symbols.set(candle.symbol, { count: 1, last: candle });
    } else {
      this.counters.symbolsOverflowed++;
    }
  }

  #onControl(msg: Msg): void {
    const parsed = parseSinkFaultsPatch(msg.data);
    let event: SinkSettingsEvent;
    if (parsed.ok) {
      // Already validated field by field; the merge is re-checked by update().
      const before = JSON.stringify(this.#faults);
      const settings = this.update(parsed.patch);
      event = { applied: true, changed: JSON.stringify(this.#faults) !== before, settings };
      this.counters.settingsApplied++;
    } else {
      event = { applied: false, error: parsed.error };
      this.counters.settingsRejected++;
    }
    if (msg.reply) {
      this.#reply(
        msg,
        encodeSinkControlReply(
          event.applied
            ? { ok: true, settings: event.settings }
            : { ok: false, error: event.error },
        ),
      );
    }
    this.#onSettings?.(event);
  }
}
