import { controlSubjects, decodePlain, encodeControl, systemSubjects } from '@ballast/protocol';
import {
  type InspectRelayStats,
  inspectStatsType,
  type StatelyInspectionEvent,
} from '@ballast/runtime';
import type { Msg, NatsConnection, Subscription } from '@nats-io/nats-core';
import WebSocket from 'ws';
import { type InspectorServer, startInspectorServer } from './inspectorServer.js';
import { type InspectSelection, selectionLabel } from './inspectSelectors.js';
import { SessionCache } from './SessionCache.js';

/** Options of {@link InspectBridge.start}. */
export interface InspectBridgeOptions {
  readonly nc: NatsConnection;
  /** What to inspect; at least one. */
  readonly selections: readonly InspectSelection[];
  /** Only this worker's actors; default every worker's. */
  readonly worker?: string | undefined;
  /** Port of the inspector server (HTTP page + WebSocket). */
  readonly port: number;
  /** How often the enabling commands are sent again (renewal and re-announcement). */
  readonly renewMs: number;
  /** The inspector page the server embeds; default the Stately one. */
  readonly inspectorUrl?: string | undefined;
  /** Each event forwarded to the inspector, with the worker that relayed it. */
  readonly onEvent?: (worker: string, event: StatelyInspectionEvent) => void;
  /** Sessions kept for late browsers. Default 1,024. */
  readonly maxSessions?: number;
  /** Bytes the WebSocket may hold unsent before events are dropped. Default 8 MiB. */
  readonly maxBufferedBytes?: number;
  /** Delay between a new connection and sending it the cached actors. Default 300 ms. */
  readonly resendDelayMs?: number;
}

/** Counters of an {@link InspectBridge}. */
export interface InspectBridgeCounters {
  /** Messages received on `sys.inspect.*`. */
  received: number;
  /** Events sent to the inspector server. */
  forwarded: number;
  /** Messages that were neither Stately events nor relay stats. */
  invalid: number;
  /** Events dropped because the WebSocket's send buffer was full. */
  droppedBackpressure: number;
  /** Events dropped because the WebSocket was not open. */
  droppedClosed: number;
  /** Cached events sent again for a browser that connected. */
  resent: number;
  /** Enabling (and disabling) commands published. */
  commands: number;
}

/** What the workers' relays reported, summed. */
export interface RelaySummary {
  readonly workers: number;
  readonly relayed: number;
  readonly rateLimited: number;
  readonly failed: number;
}

const maxWorkers = 256;

/**
 * `ballast inspect`'s engine: runs the Stately inspector server, switches inspection on for
 * its selections (`ctl.inspect`, renewed every `renewMs`; each renewal makes the workers
 * announce their selected actors again), and forwards what the workers relay on
 * `sys.inspect.*` to the server as a WebSocket client. It keeps each session's latest
 * `@xstate.actor` and snapshot and sends them again when a browser connects, so a browser that
 * comes late sees every selected actor at once, not only the server's last 200 messages.
 *
 * @example
 * const bridge = await InspectBridge.start({ nc, selections: [{ actorKind: 'symbol', actorId: 'AAPL' }], port: 8080, renewMs: 20_000 });
 * console.log(`open ${bridge.url}`);
 * await bridge.enable();
 * await bridge.stop(); // inspection off again
 */
export class InspectBridge {
  readonly counters: InspectBridgeCounters = {
    received: 0,
    forwarded: 0,
    invalid: 0,
    droppedBackpressure: 0,
    droppedClosed: 0,
    resent: 0,
    commands: 0,
  };
  readonly cache: SessionCache;
  readonly server: InspectorServer;
  readonly #o: InspectBridgeOptions;
  readonly #ws: WebSocket;
  readonly #stats = new Map<string, InspectRelayStats>();
  #subscription: Subscription | null = null;
  #renewTimer: NodeJS.Timeout | null = null;
  #resendTimer: NodeJS.Timeout | null = null;
  #stopping: Promise<void> | null = null;

  private constructor(o: InspectBridgeOptions, server: InspectorServer, ws: WebSocket) {
    this.#o = o;
    this.server = server;
    this.#ws = ws;
    this.cache = new SessionCache(o.maxSessions);
  }

  /**
   * Starts the server, connects to it and subscribes `sys.inspect.*`; {@link InspectBridge.enable}
   * then switches inspection on.
   *
   * @throws {CliError} when the port is taken
   */
  static async start(o: InspectBridgeOptions): Promise<InspectBridge> {
    const server = await startInspectorServer({ port: o.port, inspectorUrl: o.inspectorUrl });
    let ws: WebSocket;
    try {
      ws = await connectWebSocket(`ws://127.0.0.1:${o.port}`);
    } catch (error) {
      await server.close();
      throw error;
    }
    const bridge = new InspectBridge(o, server, ws);
    // Our own connection came first; every later one may be a browser.
    server.onConnection(() => bridge.#scheduleResend());
    bridge.#subscription = o.nc.subscribe(systemSubjects.allInspect, {
      callback: (error, msg) => {
        if (error === null) bridge.#onMessage(msg);
      },
    });
    await o.nc.flush();
    return bridge;
  }

  /**
   * Sends the enabling commands now and every `renewMs` (each renewal also makes the workers
   * announce their selected actors again). Subscribed before asking: no announcement is missed.
   */
  async enable(): Promise<void> {
    if (this.#renewTimer !== null || this.#stopping !== null) return;
    this.#sendCommands(true);
    this.#renewTimer = setInterval(() => this.#sendCommands(true), this.#o.renewMs);
    this.#renewTimer.unref();
    await this.#o.nc.flush();
  }

  /** What to open in a browser. */
  get url(): string {
    return this.server.url;
  }

  /** The selections, as `kind/id` labels. */
  get labels(): string[] {
    return this.#o.selections.map(selectionLabel);
  }

  /** Sums of what the workers' relays last reported. */
  relaySummary(): RelaySummary {
    let relayed = 0;
    let rateLimited = 0;
    let failed = 0;
    for (const s of this.#stats.values()) {
      relayed += s.relayed;
      rateLimited += s.rateLimited;
      failed += s.failed;
    }
    return { workers: this.#stats.size, relayed, rateLimited, failed };
  }

  /** Turns its selections off on the workers, then closes the WebSocket and the server. */
  stop(): Promise<void> {
    this.#stopping ??= this.#shutdown();
    return this.#stopping;
  }

  async #shutdown(): Promise<void> {
    if (this.#renewTimer !== null) clearInterval(this.#renewTimer);
    if (this.#resendTimer !== null) clearTimeout(this.#resendTimer);
    try {
      this.#sendCommands(false);
      await withTimeout(this.#o.nc.flush(), 2_000);
    } catch {
      // The connection is gone: the workers' selections expire on their own.
    }
    this.#subscription?.unsubscribe();
    this.#ws.close();
    await this.server.close();
  }

  #sendCommands(enabled: boolean): void {
    for (const s of this.#o.selections) {
      this.#o.nc.publish(
        controlSubjects.inspect,
        encodeControl({
          v: 1,
          type: 'inspect',
          enabled,
          ...(this.#o.worker !== undefined && { worker: this.#o.worker }),
          actorKind: s.actorKind,
          ...(s.actorId !== undefined && { actorId: s.actorId }),
          at: Date.now(),
        }),
      );
      this.counters.commands++;
    }
  }

  #onMessage(msg: Msg): void {
    this.counters.received++;
    let value: unknown;
    try {
      value = decodePlain(msg.data, { maxBytes: 1024 * 1024, subject: msg.subject });
    } catch {
      this.counters.invalid++;
      return;
    }
    const worker = msg.subject.slice('sys.inspect.'.length);
    if (isRelayStats(value)) {
      if (this.#stats.has(worker) || this.#stats.size < maxWorkers) this.#stats.set(worker, value);
      return;
    }
    if (!isStatelyEvent(value)) {
      this.counters.invalid++;
      return;
    }
    if (!this.cache.offer(value)) return;
    this.#forward(value);
    this.#o.onEvent?.(worker, value);
  }

  #forward(event: StatelyInspectionEvent): boolean {
    const ws = this.#ws;
    if (ws.readyState !== WebSocket.OPEN) {
      this.counters.droppedClosed++;
      return false;
    }
    if (ws.bufferedAmount > (this.#o.maxBufferedBytes ?? 8 * 1024 * 1024)) {
      this.counters.droppedBackpressure++;
      return false;
    }
    ws.send(JSON.stringify(event));
    this.counters.forwarded++;
    return true;
  }

  /** Debounced: a page load and its WebSocket a moment later get one resend. */
  #scheduleResend(): void {
    if (this.#resendTimer !== null || this.#stopping !== null) return;
    this.#resendTimer = setTimeout(() => {
      this.#resendTimer = null;
      for (const event of this.cache.replay()) if (this.#forward(event)) this.counters.resent++;
    }, this.#o.resendDelayMs ?? 300);
    this.#resendTimer.unref();
  }
}

function isStatelyEvent(value: unknown): value is StatelyInspectionEvent {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (typeof v._version !== 'string' || typeof v.sessionId !== 'string') return false;
  switch (v.type) {
    case '@xstate.actor':
      return typeof v.definition === 'string' && typeof v.snapshot === 'object';
    case '@xstate.snapshot':
      return typeof v.snapshot === 'object' && v.snapshot !== null && typeof v.event === 'object';
    case '@xstate.event':
      return typeof v.event === 'object' && v.event !== null;
    default:
      return false;
  }
}

function isRelayStats(value: unknown): value is InspectRelayStats {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === inspectStatsType
  );
}

/** Connects, retrying while the server is still binding its port. */
async function connectWebSocket(url: string, attempts = 40): Promise<WebSocket> {
  for (let i = 1; ; i++) {
    const ws = new WebSocket(url);
    try {
      await new Promise<void>((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      // Later errors close it; forwarding then counts drops instead of crashing.
      ws.on('error', () => {});
      return ws;
    } catch (error) {
      ws.terminate();
      if (i >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
