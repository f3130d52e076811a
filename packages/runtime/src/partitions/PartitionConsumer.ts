import { setTimeout as sleep, setImmediate as yieldToTimers } from 'node:timers/promises';
import type { DeadLetter } from '@ballast/protocol';
import { type ConsumerMessages, DeliverPolicy, type JetStreamClient } from '@nats-io/jetstream';
import type { SymbolHost } from '../actors/SymbolHost.js';
import { type SequenceAnomaly, SequenceTracker } from '../ingest/SequenceTracker.js';
import { admitTick } from '../ingest/tickAdmission.js';
import type { Logger } from '../logger.js';
import { topologyNames } from '../topology.js';
import type { PartitionCheckpoint } from './PartitionCheckpoint.js';

// At ~5 µs per tick this is a turn of the event loop about every millisecond.
const yieldEvery = 200;

/** Dependencies of a {@link PartitionConsumer}. */
export interface PartitionConsumerDeps {
  readonly js: JetStreamClient;
  readonly host: SymbolHost;
  readonly checkpoint: PartitionCheckpoint;
  readonly partitions: number;
  readonly log: Logger;
  /** Messages pulled ahead of the fold: the partition's bounded buffer. Default 512. */
  readonly pullBatch?: number;
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
  duplicates: number;
  /** Attempts to fold a tick that failed (e.g. its actor could not be hydrated) and were retried. */
  retries: number;
}

/**
 * Consumes one owned partition, `md.tick.<p>.>`, from its checkpoint floor + 1 with an
 * ordered consumer (in log order, no acks, reset by the client on a gap), admits each
 * message (dead-lettering bad input), checks the source's sequence, and routes the tick to
 * its symbol actor. One tick at a time: while an actor hydrates or the fold waits, nothing
 * more is pulled beyond `pullBatch` — backpressure instead of memory.
 *
 * A tick that cannot be folded (its snapshot cannot be read) is retried with backoff, never
 * skipped: `processed` only moves past a tick once its fold is done.
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
    duplicates: 0,
    retries: 0,
  };
  readonly sequences: SequenceTracker;
  readonly #d: PartitionConsumerDeps;
  #messages: ConsumerMessages | null = null;
  #loop: Promise<void> | null = null;
  #stopping = false;
  #processed: number;
  #pending = 0;
  #lastReceivedAt = Date.now();

  constructor(partition: number, deps: PartitionConsumerDeps) {
    this.partition = partition;
    this.#d = deps;
    this.#processed = deps.startAfter ?? deps.checkpoint.floor;
    this.sequences = new SequenceTracker({
      onAnomaly: (anomaly) => deps.anomaly(partition, anomaly),
    });
  }

  /** The last log sequence whose tick was fully routed (or refused). */
  get processed(): number {
    return this.#processed;
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
      opt_start_seq: this.#processed + 1,
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

  /** Stops pulling and waits until the tick being folded is done. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#messages?.stop();
    await this.#loop;
  }

  /** Whether the loop ended on its own (the consumer failed); the supervisor restarts it. */
  get done(): Promise<void> {
    return this.#loop ?? Promise.resolve();
  }

  async #run(messages: ConsumerMessages): Promise<void> {
    let sinceYield = 0;
    for await (const msg of messages) {
      // A full pull buffer is drained with microtasks only, which starves timers: lease
      // heartbeats, snapshot housekeeping, checkpoints. Give the event loop a turn regularly.
      if (++sinceYield === yieldEvery) {
        sinceYield = 0;
        await yieldToTimers();
      }
      if (this.#stopping) break;
      this.counters.received++;
      this.#lastReceivedAt = Date.now();
      this.#pending = msg.info.pending;
      const pending = this.#handle(msg.subject, msg.data, msg.seq);
      if (pending !== undefined) {
        const folded = await pending;
        if (!folded) break; // stopping while a fold was being retried
      }
      this.#processed = msg.seq;
    }
  }

  #handle(subject: string, data: Uint8Array, seq: number): Promise<boolean> | undefined {
    const admission = admitTick(subject, data, this.#d.partitions);
    if (!admission.ok) {
      this.counters.deadLettered++;
      this.#d.deadLetter(admission.deadLetter);
      return undefined;
    }
    const { tick } = admission;
    if (this.sequences.observe(tick.source, tick.sourceSeq) === 'duplicate') {
      // Same source and sequence as a tick already folded: a feed's resend after the log's
      // duplicate window. Folding it would apply it twice.
      this.counters.duplicates++;
      this.#d.deadLetter({
        v: 1,
        reason: 'duplicate',
        subject,
        detail: `${tick.source}:${tick.sourceSeq} was already folded (log seq ${seq} is a resend)`,
        at: Date.now(),
        payload: data.subarray(0, 1024),
        payloadSize: data.length,
      });
      return undefined;
    }
    try {
      const routed = this.#d.host.route(tick, seq, this.partition);
      return routed === undefined
        ? undefined
        : this.#retrying(routed, () => this.#d.host.route(tick, seq, this.partition));
    } catch (error) {
      return this.#retrying(Promise.reject(error), () =>
        this.#d.host.route(tick, seq, this.partition),
      );
    }
  }

  async #retrying(first: Promise<void>, again: () => void | Promise<void>): Promise<boolean> {
    let attempt: void | Promise<void> = first;
    for (let delay = 100; ; delay = Math.min(delay * 2, 5_000)) {
      try {
        await attempt;
        return true;
      } catch (error) {
        this.counters.retries++;
        this.#d.failure(this.partition, error);
        if (this.#stopping) return false;
        await sleep(delay);
        if (this.#stopping) return false;
        attempt = again();
      }
    }
  }
}
