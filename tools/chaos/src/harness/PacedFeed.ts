import { setTimeout as sleep } from 'node:timers/promises';
import { type TickFields, TickPublisher, type TickPublisherCounters } from '@ballast/runtime';
import type { JetStreamClient } from '@nats-io/jetstream';

/** Options of {@link PacedFeed}. */
export interface PacedFeedOptions {
  readonly js: Pick<JetStreamClient, 'publish'>;
  readonly partitions: number;
  readonly ticks: Iterator<TickFields>;
  /** Ticks per second to start with; {@link PacedFeed.rate} changes it. */
  readonly rate: number;
  /** Feed name: sources are `<feed>-p<NN>`. */
  readonly feed: string;
  /** Publishes awaiting their ack at once. Default 256. */
  readonly maxInFlight?: number;
}

/** A feed's totals once stopped. */
export interface FeedTotals {
  /** Ticks handed to the publisher. */
  readonly sent: number;
  readonly counters: Readonly<TickPublisherCounters>;
  /** The flush error when some ticks could not be stored (counted in `counters.failed`). */
  readonly flushError: string | null;
}

// At most this much unpublished credit is carried: a feed that fell behind catches up by one
// second's worth, not by everything it missed (which would be a burst nobody asked for).
const maxCreditSeconds = 1;

/**
 * Publishes ticks at a steady, changeable rate through a {@link TickPublisher} (msgID dedup,
 * bounded in flight, retries across leader elections) until stopped or out of ticks. When the
 * log cannot keep up the publisher holds the feed back; the rate actually reached is
 * `sent / seconds`.
 *
 * @example
 * const feed = PacedFeed.start({ js, partitions: 8, ticks: seededTicks({...}), rate: 500, feed: 'chaos' });
 * feed.rate = 5_000; // a burst
 * const totals = await feed.stop();
 */
export class PacedFeed {
  /** Ticks per second. */
  rate: number;
  readonly publisher: TickPublisher;
  #sent = 0;
  #stopping = false;
  readonly #ticks: Iterator<TickFields>;
  readonly #loop: Promise<void>;
  #error: unknown;

  private constructor(options: PacedFeedOptions) {
    this.rate = options.rate;
    this.#ticks = options.ticks;
    this.publisher = new TickPublisher({
      js: options.js,
      partitions: options.partitions,
      feed: options.feed,
      maxInFlight: options.maxInFlight ?? 256,
    });
    this.#loop = this.#run().catch((error: unknown) => {
      this.#error = error;
    });
  }

  /** Starts publishing at once. */
  static start(options: PacedFeedOptions): PacedFeed {
    return new PacedFeed(options);
  }

  /** Ticks handed to the publisher so far. */
  get sent(): number {
    return this.#sent;
  }

  /** Whether the ticks ran out (or the loop failed). */
  get finished(): Promise<void> {
    return this.#loop;
  }

  /** Stops taking ticks, waits for every ack, and returns the totals. */
  async stop(): Promise<FeedTotals> {
    this.#stopping = true;
    await this.#loop;
    let flushError: string | null = null;
    try {
      await this.publisher.close();
    } catch (error) {
      flushError = (error as Error).message;
    }
    if (this.#error !== undefined) flushError ??= String(this.#error);
    return { sent: this.#sent, counters: { ...this.publisher.counters }, flushError };
  }

  async #run(): Promise<void> {
    let credit = 0;
    let last = performance.now();
    while (!this.#stopping) {
      const now = performance.now();
      credit = Math.min(credit + ((now - last) / 1_000) * this.rate, this.rate * maxCreditSeconds);
      last = now;
      if (credit < 1) {
        await sleep(5);
        continue;
      }
      for (; credit >= 1 && !this.#stopping; credit--) {
        const next = this.#ticks.next();
        if (next.done) return;
        await this.publisher.publishNext(next.value);
        this.#sent++;
      }
    }
  }
}
