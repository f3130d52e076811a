import { LruWindow } from '@ballast/streams';
import { InvalidRuntimeOptionError } from '../errors.js';

/**
 * What {@link SequenceTracker.observe} concluded about one tick's `sourceSeq`:
 * - `first`: the first seq seen from this source (or since it was evicted);
 * - `next`: exactly the expected one;
 * - `gap`: above the expected one; the seqs in between are recorded as missing;
 * - `reordered`: inside a recorded gap, so it arrived late; the gap shrinks or splits — or
 *   below the first seq this tracker saw from the source (its horizon), where it cannot tell
 *   a late tick from a resend;
 * - `duplicate`: at or above the horizon, below the expected one and not in a recorded gap:
 *   seen before (a feed's resend), or so late that its gap was forgotten.
 *
 * Every verdict is a report, not a filter: which ticks a tracker has seen depends on where
 * its consumer started, so dropping by verdict would make the fold depend on restarts.
 * Exactly-once storage of a `source:sourceSeq` is the log's job (its msgID duplicate window).
 */
export type SequenceVerdict = 'first' | 'next' | 'gap' | 'reordered' | 'duplicate';

/** An out-of-order observation, for `sys.errors` or a log line. */
export interface SequenceAnomaly {
  readonly kind: 'gap' | 'reordered' | 'duplicate';
  readonly source: string;
  /** The seq the tracker expected next from this source. */
  readonly expected: number;
  /** The seq that arrived. */
  readonly got: number;
  /** For `gap`: the first missing seq (`expected`). */
  readonly missingFrom?: number;
  /** For `gap`: the last missing seq (`got - 1`). */
  readonly missingTo?: number;
}

/** Totals since construction; plain fields a metrics module reads. */
export interface SequenceCounters {
  /** Observations that opened a gap. */
  gaps: number;
  /** Seqs skipped over by those gaps (some may arrive later as `reordered`). */
  missing: number;
  reordered: number;
  duplicates: number;
  /** Sources forgotten to stay within `maxSources`; each comes back as `first`. */
  sourcesEvicted: number;
  /** Gap ranges forgotten to stay within `maxGapRanges`; their seqs then count as duplicates. */
  gapRangesForgotten: number;
}

/** Options of {@link SequenceTracker}. */
export interface SequenceTrackerOptions {
  /** Sources tracked (LRU beyond). Default 10,000. */
  readonly maxSources?: number;
  /** Open gap ranges kept per source; the oldest is forgotten beyond. Default 64. */
  readonly maxGapRanges?: number;
  /** Called synchronously for every `gap`, `reordered` and `duplicate` verdict. */
  readonly onAnomaly?: (anomaly: SequenceAnomaly) => void;
}

/** One source's state: the next expected seq and the open gaps as flat `[from, to, ...]` pairs. */
interface SourceState {
  /** The first seq seen: what came before it is unknown to this tracker. */
  readonly horizon: number;
  expected: number;
  /** Inclusive ranges, ascending and disjoint, all below `expected`. */
  gaps: number[];
}

/**
 * Tracks the `sourceSeq` of each tick source within ONE partition's stream of ticks and says
 * whether each tick is next, a gap, late, or a duplicate.
 *
 * **Feed contract.** A `source` numbers its ticks consecutively *per partition*, like an
 * exchange's channel: either all ticks of one source land in one partition, or the publisher
 * uses a distinct source token per partition (`TickPublisher` does, `<feed>-p<NN>`).
 * A restarted feed continues its numbering (or takes a new source token): restarting at 0
 * would make its ticks duplicates here, and JetStream drops the same `<source>:<sourceSeq>`
 * msgID within its duplicate window anyway.
 *
 * Bounds: at most `maxSources` sources (exact LRU; an evicted source's next tick is `first`)
 * and `maxGapRanges` open ranges per source (the oldest range is forgotten; a seq from it
 * then counts as a duplicate). Both are counted. The state is in memory only: a consumer that
 * restarts sees each source's next tick as `first`, and a tick from before that one (a
 * publisher's retry logged late) as `reordered`, never as a duplicate it has no evidence of.
 *
 * @example
 * const seqs = new SequenceTracker({ onAnomaly: (a) => reporter.error({ ... }) });
 * seqs.observe(tick.source, tick.sourceSeq); // reported through onAnomaly
 * book.apply(tick, msg.seq); // every admitted tick folds, once per log sequence
 */
export class SequenceTracker {
  readonly counters: SequenceCounters = {
    gaps: 0,
    missing: 0,
    reordered: 0,
    duplicates: 0,
    sourcesEvicted: 0,
    gapRangesForgotten: 0,
  };
  readonly maxGapRanges: number;
  readonly #sources: LruWindow<string, SourceState>;
  readonly #onAnomaly: ((anomaly: SequenceAnomaly) => void) | undefined;

  /** @throws {InvalidRuntimeOptionError} when a bound is not an integer >= 1 */
  constructor(options: SequenceTrackerOptions = {}) {
    const maxSources = options.maxSources ?? 10_000;
    if (!Number.isSafeInteger(maxSources) || maxSources < 1) {
      throw new InvalidRuntimeOptionError('maxSources', maxSources, 'an integer >= 1');
    }
    const maxGapRanges = options.maxGapRanges ?? 64;
    if (!Number.isSafeInteger(maxGapRanges) || maxGapRanges < 1) {
      throw new InvalidRuntimeOptionError('maxGapRanges', maxGapRanges, 'an integer >= 1');
    }
    this.maxGapRanges = maxGapRanges;
    this.#onAnomaly = options.onAnomaly;
    this.#sources = new LruWindow({
      maxKeys: maxSources,
      onEvict: () => {
        this.counters.sourcesEvicted++;
      },
    });
  }

  /** Sources tracked now. */
  get size(): number {
    return this.#sources.size;
  }

  /**
   * Classifies one tick's sequence number and updates the source's state.
   *
   * @param source - the tick's `source`
   * @param sourceSeq - the tick's `sourceSeq`, a safe integer >= 0 (decodeTick checked it)
   * @returns the verdict (a report: fold the tick whatever it is)
   * @example
   * seqs.observe('sim-p03', 41); // 'first'
   * seqs.observe('sim-p03', 44); // 'gap' (42..43 missing)
   * seqs.observe('sim-p03', 42); // 'reordered'
   * seqs.observe('sim-p03', 42); // 'duplicate'
   */
  observe(source: string, sourceSeq: number): SequenceVerdict {
    const state = this.#sources.get(source);
    if (state === undefined) {
      this.#sources.set(source, { horizon: sourceSeq, expected: sourceSeq + 1, gaps: [] });
      return 'first';
    }
    const expected = state.expected;
    if (sourceSeq === expected) {
      state.expected = expected + 1;
      return 'next';
    }
    if (sourceSeq > expected) {
      state.expected = sourceSeq + 1;
      this.counters.gaps++;
      this.counters.missing += sourceSeq - expected;
      state.gaps.push(expected, sourceSeq - 1);
      this.#trimGaps(state.gaps);
      this.#onAnomaly?.({
        kind: 'gap',
        source,
        expected,
        got: sourceSeq,
        missingFrom: expected,
        missingTo: sourceSeq - 1,
      });
      return 'gap';
    }
    const kind =
      sourceSeq < state.horizon || fillGap(state.gaps, sourceSeq) ? 'reordered' : 'duplicate';
    if (kind === 'reordered') {
      this.counters.reordered++;
      this.#trimGaps(state.gaps);
    } else {
      this.counters.duplicates++;
    }
    this.#onAnomaly?.({ kind, source, expected, got: sourceSeq });
    return kind;
  }

  /**
   * The open gap ranges of a source, oldest first, without marking it used.
   *
   * @example
   * seqs.openGaps('sim-p03'); // [[42, 43]]
   */
  openGaps(source: string): [from: number, to: number][] {
    const gaps = this.#sources.peek(source)?.gaps ?? [];
    const ranges: [number, number][] = [];
    for (let i = 0; i < gaps.length; i += 2)
      ranges.push([gaps[i] as number, gaps[i + 1] as number]);
    return ranges;
  }

  /** The seq expected next from a source, or `undefined` when it is not tracked. */
  expected(source: string): number | undefined {
    return this.#sources.peek(source)?.expected;
  }

  // New gaps are appended above every open one and a split adds one, so at most one range is
  // over the bound, and the oldest (lowest) is the one least likely to still arrive.
  #trimGaps(gaps: number[]): void {
    while (gaps.length > 2 * this.maxGapRanges) {
      gaps.splice(0, 2);
      this.counters.gapRangesForgotten++;
    }
  }
}

/** Removes `seq` from the range holding it; `false` when no range holds it. */
function fillGap(gaps: number[], seq: number): boolean {
  // Few ranges (<= maxGapRanges) and late ticks usually fill the newest: scan from the end.
  for (let i = gaps.length - 2; i >= 0; i -= 2) {
    const from = gaps[i] as number;
    const to = gaps[i + 1] as number;
    if (seq > to) return false;
    if (seq < from) continue;
    if (from === to) gaps.splice(i, 2);
    else if (seq === from) gaps[i] = from + 1;
    else if (seq === to) gaps[i + 1] = to - 1;
    else gaps.splice(i, 2, from, seq - 1, seq + 1, to);
    return true;
  }
  return false;
}
