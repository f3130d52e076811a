import { decodeTick, type Tick } from '@ballast/protocol';
import {
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type MsgRequest,
} from '@nats-io/jetstream';
import { topologyNames } from '../topology.js';

/** Counters of a {@link SymbolReplayer}. */
export interface SymbolReplayerCounters {
  /** Hydrations that checked the log for events after the snapshot. */
  probes: number;
  /** Hydrations that had events to replay. */
  replays: number;
  /** Events replayed. */
  replayedEvents: number;
  /** Logged messages on a tick subject that did not decode (they were dead-lettered live). */
  skippedInvalid: number;
}

/**
 * Replays one symbol's logged ticks between its snapshot and the point the partition's
 * consumer has reached, with an ordered consumer on the symbol's own subject (one filter
 * subject: nats-server 2.9). A probe (`next_by_subj` direct get) first asks whether there is
 * anything to replay, so the common hydration — nothing after the snapshot — costs one round
 * trip and no consumer.
 *
 * @example
 * const n = await replayer.replay('AAPL', 'md.tick.3.AAPL', snapshotSeq + 1, tickSeq, (tick, seq) =>
 *   actor.send({ type: 'REPLAY', tick, seq }));
 */
export class SymbolReplayer {
  readonly counters: SymbolReplayerCounters = {
    probes: 0,
    replays: 0,
    replayedEvents: 0,
    skippedInvalid: 0,
  };
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;

  constructor(js: JetStreamClient, jsm: JetStreamManager) {
    this.#js = js;
    this.#jsm = jsm;
  }

  /** Whether the log holds a message on `subject` (wildcards allowed) after `seq`. */
  async nextAfter(subject: string, seq: number): Promise<boolean> {
    const next = { seq: seq + 1, next_by_subj: subject } as unknown as MsgRequest;
    return (await this.#jsm.streams.getMessage(topologyNames.ticks, next)) !== null;
  }

  /**
   * Feeds `onTick` every valid tick logged on `subject` with `fromSeq <= seq < untilSeq`, in
   * log order.
   *
   * @returns how many ticks were replayed
   */
  async replay(
    symbol: string,
    subject: string,
    fromSeq: number,
    untilSeq: number,
    onTick: (tick: Tick, seq: number) => void,
  ): Promise<number> {
    if (fromSeq >= untilSeq) return 0;
    this.counters.probes++;
    // The STREAM.MSG.GET API takes next_by_subj with seq on 2.9 (verified), though the
    // client's MsgRequest type lists it only for direct gets.
    const next = { seq: fromSeq, next_by_subj: subject } as unknown as MsgRequest;
    const first = await this.#jsm.streams.getMessage(topologyNames.ticks, next);
    if (first === null || first.seq >= untilSeq) return 0;
    this.counters.replays++;
    const consumer = await this.#js.consumers.get(topologyNames.ticks, {
      filter_subjects: subject,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: first.seq,
    });
    const messages = await consumer.consume({ max_messages: 256 });
    let replayed = 0;
    try {
      for await (const msg of messages) {
        if (msg.seq >= untilSeq) break;
        let tick: Tick | undefined;
        try {
          tick = decodeTick(msg.data, { subject: msg.subject });
        } catch {
          this.counters.skippedInvalid++;
        }
        // Same admission as the live path: a tick whose symbol is not its subject's was refused.
        if (tick !== undefined && tick.symbol !== symbol) {
          this.counters.skippedInvalid++;
          tick = undefined;
        }
        if (tick !== undefined) {
          onTick(tick, msg.seq);
          replayed++;
        }
        if (msg.info.pending === 0) break;
      }
    } finally {
      await messages.close();
    }
    this.counters.replayedEvents += replayed;
    return replayed;
  }
}
