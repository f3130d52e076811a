import { decodeTick, tickFilter } from '@ballast/protocol';
import { topologyNames } from '@ballast/runtime';
import type { JetStreamManager } from '@nats-io/jetstream';

/** Options of {@link sourceSeqStart}. */
export interface SourceSeqStartOptions {
  /** Reads the tick log (`$JS.API.STREAM.MSG.GET.TICKS`). */
  readonly jsm: Pick<JetStreamManager, 'streams'>;
  readonly partitions: number;
  /** The feed name: sources are `<feed>-p<NN>`, as `TickPublisher` names them. */
  readonly feed: string;
  /** Wall clock in ms. Default `Date.now`. */
  readonly now?: () => number;
  /** Partition look-ups in flight at once. Default 16. */
  readonly concurrency?: number;
}

/** Where each partition's `sourceSeq` starts, and why. */
export interface SourceSeqStart {
  /** One start seq per partition, for `TickPublisher`'s `startSeq`. */
  readonly startSeqs: number[];
  /** Partitions whose last tick in the log was this feed's: they continue its numbering. */
  readonly resumed: number;
  /** Partitions that start from the clock (no tick of this feed last in them, or unreadable). */
  readonly fromClock: number;
  /** Why the log could not be read at all (e.g. the user may not), when it could not. */
  readonly unreadable?: string;
}

/**
 * Chooses where a feed's sequence numbers start so that a restarted feed does not restart its
 * numbering: the worker's `SequenceTracker` would take a restart at 0 for duplicates of the
 * previous run (and JetStream drops a repeated `<source>:<seq>` msgID within its duplicate
 * window).
 *
 * Per partition, the last message of the `TICKS` stream on `md.tick.<p>.>` is read; when it
 * is this feed's (source `<feed>-p<NN>`), numbering continues at its `sourceSeq + 1`, so the
 * consumers see no anomaly at all. Otherwise — another feed wrote last, the partition is
 * empty, or the log cannot be read (the `feed` role of the local cluster may only publish) —
 * it starts at the clock in microseconds (`Date.now() * 1000`): above anything an earlier run
 * numbered as long as it published fewer than a million ticks per second per partition, so a
 * restart shows up as one gap per partition rather than as duplicates.
 *
 * @example
 * const start = await sourceSeqStart({ jsm, partitions: 16, feed: 'sim' });
 * new TickPublisher({ js, partitions: 16, feed: 'sim', startSeq: start.startSeqs });
 */
export async function sourceSeqStart(options: SourceSeqStartOptions): Promise<SourceSeqStart> {
  const { jsm, partitions, feed } = options;
  const clockSeq = Math.floor((options.now ?? Date.now)()) * 1_000;
  const startSeqs = new Array<number>(partitions).fill(clockSeq);
  const lastOf = async (p: number): Promise<number | undefined> => {
    const message = await jsm.streams.getMessage(topologyNames.ticks, {
      last_by_subj: tickFilter(p),
    });
    if (message === null) return undefined;
    try {
      const tick = decodeTick(message.data);
      return tick.source === feedSource(feed, p, partitions) ? tick.sourceSeq : undefined;
    } catch {
      // Not a tick (the worker dead-letters it): it says nothing about our numbering.
      return undefined;
    }
  };
  let resumed = 0;
  const resume = (p: number, last: number | undefined) => {
    if (last === undefined) return;
    startSeqs[p] = last + 1;
    resumed++;
  };
  // One look-up first: when the user may not read the log, stop there with one error.
  try {
    resume(0, await lastOf(0));
  } catch (error) {
    return { startSeqs, resumed: 0, fromClock: partitions, unreadable: (error as Error).message };
  }
  let next = 1;
  const worker = async () => {
    for (let p = next++; p < partitions; p = next++) {
      // A partition that cannot be read starts from the clock: safe, only less tidy.
      resume(p, await lastOf(p).catch(() => undefined));
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency ?? 16, partitions) }, worker),
  );
  return { startSeqs, resumed, fromClock: partitions - resumed };
}

/**
 * The source a `TickPublisher` with `feed` uses in partition `p`: `<feed>-p<NN>`, NN padded to
 * at least two digits (three from 101 partitions up). Mirrors the publisher's private naming;
 * the feed command's NATS test checks they agree.
 *
 * @example
 * feedSource('sim', 3, 16); // 'sim-p03'
 */
export function feedSource(feed: string, p: number, partitions: number): string {
  const width = Math.max(2, String(partitions - 1).length);
  return `${feed}-p${String(p).padStart(width, '0')}`;
}
