import { setImmediate as yieldToTimers } from 'node:timers/promises';
import type { DeadLetter, Tick } from '@ballast/protocol';
import {
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamClient,
  type JsMsg,
} from '@nats-io/jetstream';
import type { SymbolHost } from '../actors/SymbolHost.js';
import { type SequenceAnomaly, SequenceTracker } from '../ingest/SequenceTracker.js';
import { admitTick } from '../ingest/tickAdmission.js';
import type { Logger } from '../logger.js';
import { topologyNames } from '../topology.js';
import { HydrationGate } from './HydrationGate.js';
import type { PartitionCheckpoint } from './PartitionCheckpoint.js';

/**
 * Most messages routed as one chunk: one batch per symbol, one turn of the event loop. At a
 * few µs per tick that is a turn about every millisecond even when the pull buffer is full.
 */
const maxChunk = 200;

/** Dependencies of a {@link PartitionConsumer}. */
export interface PartitionConsumerDeps {
  readonly js: JetStreamClient;
  readonly host: SymbolHost;
  readonly checkpoint: PartitionCheckpoint;
  readonly partitions: number;
  readonly log: Logger;
  /**
   * Messages pulled ahead of the fold: the partition's bounded buffer; also the most ticks
   * taken but not yet folded (parked behind hydrating symbols). Default 512.
   */
  readonly pullBatch?: number;
  /** Most symbols of the partition hydrating at once. Default 32. */
  readonly maxHydrations?: number;
  /** Start after this sequence instead of the checkpoint floor (a restart keeps its place). */
  readonly startAfter?: number;
  readonly deadLetter: (letter: DeadLetter) => void;
  readonly anomaly: (partition: number, anomaly: SequenceAnomaly) => void;
  readonly failure: (partition: number, error: unknown) => void;
}

/** Counters of one partition's consumer. */
export interface PartitionConsumerCounters {
  received: number;
  deadLettered: number;
  /**
   * Failed attempts to fold ticks, each retried: a hydration (e.g. the snapshot could not be
   * read) by the gate, a batch whose actor stopped by its symbol's next hydration.
   */
  retries: number;
}

// Per partition: with 16 partitions, ~500 KV reads and log probes in flight is where a
// single connection's round trips stop being the limit and the fold's CPU is.
const defaultMaxHydrations = 32;

/**
 * Consumes one owned partition, `md.tick.<p>.>`, from its checkpoint floor + 1 with an
 * ordered consumer (in log order, no acks, reset by the client on a gap), admits each
 * message (dead-lettering bad input), checks the source's sequence, and routes the tick to
 * its symbol actor through a {@link HydrationGate}: ticks of live symbols fold at once, cold
 * symbols hydrate concurrently (up to `maxHydrations`) with their ticks parked in log order.
 * When too many hydrate or `pullBatch` ticks are parked, the loop waits and nothing more is
 * pulled beyond `pullBatch` — backpressure instead of memory.
 *
 * A tick that cannot be folded (its snapshot cannot be read) is retried with backoff, never
 * skipped: `processed` only moves past a tick once it and every earlier message are done.
 *
 * @example
 * const consumer = new PartitionConsumer(3, deps);
 * await consumer.start();
 * await consumer.stop();
 */
export class PartitionConsumer {
  readonly partition: number;
  readonly counters: PartitionConsumerCounters = {
    received: 0,
    deadLettered: 0,
    retries: 0,
  };
  readonly sequences: SequenceTracker;
  /** Cold symbols hydrating and the ticks parked behind them; its counters count the waits. */
  readonly gate: HydrationGate;
  readonly #d: PartitionConsumerDeps;
  #messages: ConsumerMessages | null = null;
  #loop: Promise<void> | null = null;
  #stopping = false;
  #pending = 0;
  #lastReceivedAt = Date.now();

  constructor(partition: number, deps: PartitionConsumerDeps) {
    this.partition = partition;
    this.#d = deps;
    this.gate = new HydrationGate({
      host: deps.host,
      partition,
      start: deps.startAfter ?? deps.checkpoint.floor,
      maxHydrations: deps.maxHydrations ?? defaultMaxHydrations,
      maxParked: deps.pullBatch ?? 512,
      failure: (error) => {
        this.counters.retries++;
        deps.failure(partition, error);
      },
    });
    this.sequences = new SequenceTracker({
      onAnomaly: (anomaly) => deps.anomaly(partition, anomaly),
    });
  }

  /**
   * The highest log sequence S such that every message of the partition up to S was fully
   * folded or refused (ticks after it may be folded already, while an earlier one waits).
   */
  get processed(): number {
    return this.gate.processed;
  }

  /** Messages of the partition in the log after the last one delivered: the consumer lag. */
  get lag(): number {
    return this.#pending;
  }

  /** When the last message arrived (or the consumer started), `Date.now()` ms. */
  get lastReceivedAt(): number {
    return this.#lastReceivedAt;
  }

  /** Starts consuming at the checkpoint floor + 1 (or `startAfter` + 1). */
  async start(): Promise<void> {
    const consumer = await this.#d.js.consumers.get(topologyNames.ticks, {
      filter_subjects: `md.tick.${this.partition}.>`,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: this.gate.processed + 1,
    });
    // Short pulls: the server's idle heartbeats come at half this period, and two missed ones
    // make the client recreate the consumer — after a stream leader loss that is seconds, not
    // the default minute.
    this.#messages = await consumer.consume({
      max_messages: this.#d.pullBatch ?? 512,
      expires: 5_000,
    });
    this.#loop = this.#run(this.#messages);
  }

  /**
   * Stops pulling and waits until the hydrations in flight ended (their parked ticks fold if
   * they succeed); failed ones are not retried. Unfolded ticks stay after `processed`, where
   * the next owner or a restart starts.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#messages?.stop();
    this.gate.close();
    await this.#loop;
  }

  /** Whether the loop ended on its own (the consumer failed); the supervisor restarts it. */
  get done(): Promise<void> {
    return this.#loop ?? Promise.resolve();
  }

  async #run(messages: ConsumerMessages): Promise<void> {
    const chunk: JsMsg[] = [];
    try {
      for await (const msg of messages) {
        // Messages already delivered are taken without routing, up to a chunk: its ticks fold
        // as one machine event per symbol, not one per tick.
        // (received > processed: delivered and not yielded yet. getPending() is not used: it
        // stays above zero after the iterator ran a status callback.)
        chunk.push(msg);
        if (chunk.length < maxChunk && messages.getReceived() > messages.getProcessed()) continue;
        const full = chunk.length === maxChunk;
        await this.#route(chunk);
        chunk.length = 0;
        if (this.#stopping) break;
        // A full pull buffer is drained with microtasks only, which starves timers: lease
        // heartbeats, snapshot housekeeping, checkpoints. Give the event loop a turn regularly.
        if (full) await yieldToTimers();
      }
    } finally {
      // Ended by stop() or by a failure (the supervisor restarts it from `processed`): no
      // retries from now on, and the loop ends only once no hydration of it is in flight, so
      // `processed` is final when `done` settles and a restart resumes from the right place.
      this.gate.close();
      await this.gate.settled();
    }
  }

  /**
   * Admits a chunk's messages in log order and offers their ticks to the gate; the batches
   * fold before every await (a full gate's wait, the end of the chunk).
   */
  async #route(chunk: readonly JsMsg[]): Promise<void> {
    const gate = this.gate;
    this.#lastReceivedAt = Date.now();
    this.#pending = (chunk.at(-1) as JsMsg).info.pending;
    for (const msg of chunk) {
      this.counters.received++;
      const tick = this.#admit(msg.subject, msg.data);
      if (tick === undefined) {
        gate.skip(msg.seq);
        continue;
      }
      // Backpressure: wait for a hydration slot or parked room; ticks of live symbols and
      // finished hydrations keep folding meanwhile.
      while (gate.offer(tick, msg.seq) === 'full') {
        gate.flush();
        await gate.room();
        if (this.#stopping) return;
      }
    }
    gate.flush();
  }

  /** The message's tick, or `undefined` when it was refused (dead-lettered). */
  #admit(subject: string, data: Uint8Array): Tick | undefined {
    const admission = admitTick(subject, data, this.#d.partitions);
    if (!admission.ok) {
      this.counters.deadLettered++;
      this.#d.deadLetter(admission.deadLetter);
      return undefined;
    }
    const { tick } = admission;
    // Reported (gap, late, duplicate) through onAnomaly, never dropped: the tracker's verdict
    // depends on where this consumer started, the fold must not. The log's msgID window is
    // what keeps a source:sourceSeq from being stored twice.
    this.sequences.observe(tick.source, tick.sourceSeq);
    return tick;
  }
}
