import type { SinkSettings } from './sinkSettings.js';

/**
 * A sink's counters. Every request is counted once when it arrives (`received`) and once by
 * its outcome, so `received = acked + failed + refused + ignoredWhileDown + invalid +
 * notRequests + inFlight` at any moment.
 */
export interface SinkCounters {
  /** Messages on `sink.candles`. */
  received: number;
  /** Answered ok; the candle is stored. */
  acked: number;
  /** Answered with an injected error (`failRate`). */
  failed: number;
  /** Answered "busy" because `maxInFlight` requests were already waiting. */
  refused: number;
  /** Not answered because the sink was down (the requester times out). */
  ignoredWhileDown: number;
  /** Not a valid candle; answered with an error naming the problem. */
  invalid: number;
  /** Published without a reply subject: nothing to answer. */
  notRequests: number;
  /** Accepted and waiting for their `latencyMs` to pass. */
  inFlight: number;
  /** Candles of symbols past the per-symbol table's bound (acked, not tabled). */
  symbolsOverflowed: number;
  /** `ctl.sink.set` requests applied / refused. */
  settingsApplied: number;
  settingsRejected: number;
  /** Answers that could not be sent (connection closing); their outcome is still counted. */
  replyErrors: number;
  /** Stats messages published / failed to publish on `sys.sink`. */
  statsPublished: number;
  statsFailed: number;
}

/** What a sink publishes on `sys.sink` (plain MessagePack). */
export interface SinkStats {
  readonly v: 1;
  /** The sink instance, e.g. `sink-<host>-<pid>`. */
  readonly id: string;
  /** When these numbers were taken, ms since the epoch. */
  readonly at: number;
  readonly settings: SinkSettings;
  readonly counters: Readonly<SinkCounters>;
  /** Symbols with at least one stored candle. */
  readonly symbols: number;
}

/**
 * One line for a person watching the sink; with `rate`, how many arrived since the last line.
 *
 * @example
 * formatSinkStats(stats, { receivedBefore: 960, intervalMs: 5_000 });
 * // 'sink: received 1200 (+240/5s) acked 1080 failed 120 refused 0 ignored(down) 0 invalid 0 in-flight 3 symbols 12 | up fail-rate 0.1 latency 5ms max-in-flight 256'
 */
export function formatSinkStats(
  stats: SinkStats,
  rate?: { readonly receivedBefore: number; readonly intervalMs: number },
): string {
  const c = stats.counters;
  const s = stats.settings;
  const delta =
    rate === undefined
      ? ''
      : ` (+${c.received - rate.receivedBefore}/${Math.round(rate.intervalMs / 1000)}s)`;
  return [
    `sink: received ${c.received}${delta}`,
    `acked ${c.acked} failed ${c.failed} refused ${c.refused}`,
    `ignored(down) ${c.ignoredWhileDown} invalid ${c.invalid} in-flight ${c.inFlight}`,
    `symbols ${stats.symbols} |`,
    `${s.down ? 'DOWN' : 'up'} fail-rate ${s.failRate} latency ${s.latencyMs}ms max-in-flight ${s.maxInFlight}`,
  ].join(' ');
}
