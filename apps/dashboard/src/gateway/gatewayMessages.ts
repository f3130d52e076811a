/**
 * The dashboard's WebSocket protocol: JSON text frames on `/ws`. The gateway sends
 * {@link ServerMessage}s; the page sends {@link ClientRequest}s and gets one `reply` per
 * request, matched by `id`. Types and constants only: the web page imports this file too.
 */
import type { Candle, ErrorEntry } from '@ballast/protocol';
import type { WorkerStatus } from '@ballast/runtime';

/** One point of a worker's time series (plots): what its announcement said, and its rate. */
export interface WorkerSample {
  readonly at: number;
  readonly ticksPerSecond: number;
  readonly rss: number;
  readonly heapUsed: number;
  readonly lag: number;
  readonly liveActors: number;
}

/** A worker as the overview shows it: its last announcement and what the gateway adds. */
export interface WorkerView {
  readonly status: WorkerStatus;
  readonly ticksPerSecond: number;
  /** From the worker's `/metrics` (`ballast_passivated_actors_total`); null until scraped. */
  readonly passivatedActors: number | null;
  /** When the gateway last heard from it (gateway clock). */
  readonly seenAt: number;
}

/** A breaker state change, derived from two consecutive announcements of one worker. */
export interface BreakerTransition {
  readonly at: number;
  readonly worker: string;
  readonly breaker: string;
  readonly from: BreakerStateLabel;
  readonly to: BreakerStateLabel;
}

/** A breaker state as people read it (`WorkerStatus.breakers` carries 0, 1, 2). */
export type BreakerStateLabel = 'CLOSED' | 'OPEN' | 'HALF_OPEN' | 'UNKNOWN';

/** A dead letter without its payload bytes: a printable preview instead. */
export interface DeadLetterView {
  readonly reason: string;
  readonly subject: string;
  readonly detail: string;
  readonly at: number;
  readonly payloadSize: number;
  /** The first bytes as hex, at most 64 bytes. */
  readonly payloadHex: string;
}

/** A reloader's counters changed (or were first seen): one line of reload history. */
export interface ReloadEvent {
  readonly at: number;
  readonly worker: string;
  readonly state: string;
  readonly reloads: number;
  readonly failures: number;
  readonly lastDurationMs: number | null;
  readonly instruments: number | null;
  readonly lastError: string | null;
}

/** What a sink publishes on `sys.sink` (apps/cli's SinkStats), passed through as JSON. */
export interface SinkStatsView {
  readonly id: string;
  readonly at: number;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly counters: Readonly<Record<string, number>>;
  readonly symbols: number;
}

/** The gateway's own counters: clients, drops, requests. */
export interface GatewayCounters {
  /** Browsers connected now. */
  clients: number;
  /** Browsers that ever connected. */
  clientsTotal: number;
  /** Browsers disconnected because their outgoing buffer passed a bound. */
  slowClientsDropped: number;
  /** Connections refused: too many clients, wrong path or foreign origin. */
  clientsRefused: number;
  /** Browsers that stopped answering pings. */
  clientsTimedOut: number;
  /** Frames sent to browsers. */
  framesSent: number;
  /** NATS messages received on the subjects the gateway follows. */
  natsMessages: number;
  /** NATS messages that did not decode (counted, skipped). */
  invalidMessages: number;
  /** Requests from browsers answered ok / with an error. */
  requests: number;
  requestErrors: number;
  /** Requests refused because a client had too many in flight, or was malformed. */
  requestsRefused: number;
  /** Inspect commands published on `ctl.inspect`. */
  inspectCommands: number;
  /** Worker `/metrics` scrapes that failed; reloader queries without an answer. */
  scrapeFailures: number;
  reloaderQueryFailures: number;
  /** Announcements ignored because the gateway already tracks its maximum of workers. */
  workersOverflow: number;
}

/** What a page opened late still sees: the gateway's bounded history. */
export interface HistorySnapshot {
  readonly workers: readonly WorkerView[];
  /** Last samples per worker, oldest first. */
  readonly samples: Readonly<Record<string, readonly WorkerSample[]>>;
  readonly errors: readonly ErrorEntry[];
  readonly deadLetters: readonly DeadLetterView[];
  readonly breakerTransitions: readonly BreakerTransition[];
  readonly reloads: readonly ReloadEvent[];
  readonly sinks: readonly SinkStatsView[];
}

/** Messages from the gateway to a browser. */
export type ServerMessage =
  | {
      readonly type: 'hello';
      readonly v: 1;
      readonly at: number;
      /** The tick log's partition count, when the gateway was told it. */
      readonly partitions: number | null;
      readonly history: HistorySnapshot;
      readonly gateway: GatewayCounters;
      /** Bounds of the history, so the page keeps the same ones. */
      readonly limits: { readonly samples: number; readonly events: number };
    }
  | { readonly type: 'worker'; readonly worker: WorkerView; readonly sample: WorkerSample }
  | { readonly type: 'workerGone'; readonly worker: string }
  | { readonly type: 'error'; readonly entry: ErrorEntry }
  | { readonly type: 'deadLetter'; readonly letter: DeadLetterView }
  | { readonly type: 'breaker'; readonly transition: BreakerTransition }
  | { readonly type: 'sink'; readonly stats: SinkStatsView }
  | { readonly type: 'reload'; readonly event: ReloadEvent }
  | { readonly type: 'candle'; readonly candle: Candle }
  | { readonly type: 'gateway'; readonly at: number; readonly counters: GatewayCounters }
  | { readonly type: 'reply'; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly type: 'reply'; readonly id: number; readonly ok: false; readonly error: string };

/** Machines whose statechart the gateway serves. */
export const machineNames = ['symbolCache', 'circuitBreaker', 'reloader', 'supervisor'] as const;

/** One of {@link machineNames}. */
export type MachineName = (typeof machineNames)[number];

/** Requests from a browser; each gets one `reply` with the same `id`. */
export type ClientRequest =
  | {
      readonly id: number;
      readonly type: 'query';
      readonly symbol: string;
      readonly tf?: string;
      readonly limit?: number;
    }
  /** Follow one symbol's candles of one timeframe (`md.candle.<tf>.<SYMBOL>`); null stops. */
  | {
      readonly id: number;
      readonly type: 'watch';
      readonly symbol: string | null;
      readonly tf?: string;
    }
  | { readonly id: number; readonly type: 'definition'; readonly machine: MachineName }
  | {
      readonly id: number;
      readonly type: 'inspect';
      readonly actorKind: string;
      readonly actorId: string;
    };

/** The result of an `inspect` request: what the user runs and opens. */
export interface InspectResult {
  readonly subject: string;
  readonly command: string;
  readonly url: string;
  readonly note: string;
}
