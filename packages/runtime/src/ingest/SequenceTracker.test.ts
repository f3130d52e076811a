import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidRuntimeOptionError } from '../errors.js';
import { type SequenceAnomaly, SequenceTracker, type SequenceVerdict } from './SequenceTracker.js';

/** The obvious model: every seq ever seen, the first one and the highest one, per source. */
class SeenModel {
  readonly #sources = new Map<string, { seen: Set<number>; first: number; max: number }>();
  missing = 0;

  observe(source: string, seq: number): SequenceVerdict {
    const s = this.#sources.get(source);
    if (s === undefined) {
      this.#sources.set(source, { seen: new Set([seq]), first: seq, max: seq });
      return 'first';
    }
    if (seq > s.max) {
      const verdict = seq === s.max + 1 ? 'next' : 'gap';
      this.missing += seq - s.max - 1;
      s.max = seq;
      s.seen.add(seq);
      return verdict;
    }
    // Before the first seq seen, the model cannot know either: late, not a proven duplicate.
    if (seq < s.first) return 'reordered';
    if (s.seen.has(seq)) return 'duplicate';
    s.seen.add(seq);
    return 'reordered';
  }

  /** Seqs between the first and the highest that were never seen, as inclusive ranges. */
  openGaps(source: string): [number, number][] {
    const s = this.#sources.get(source);
    const ranges: [number, number][] = [];
    if (s === undefined) return ranges;
    for (let seq = s.first; seq <= s.max; seq++) {
      if (s.seen.has(seq)) continue;
      const last = ranges.at(-1);
      if (last !== undefined && last[1] === seq - 1) last[1] = seq;
      else ranges.push([seq, seq]);
    }
    return ranges;
  }
}

const observations = fc.array(
  fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 40 })),
  { maxLength: 200 },
);

describe('SequenceTracker', () => {
  it('classifies next, gap, reordered and duplicate, and reports anomalies', () => {
    const anomalies: SequenceAnomaly[] = [];
    const seqs = new SequenceTracker({ onAnomaly: (a) => anomalies.push(a) });
    expect(seqs.observe('sim-p03', 41)).toBe('first');
    expect(seqs.observe('sim-p03', 42)).toBe('next');
    expect(seqs.observe('sim-p03', 46)).toBe('gap');
    expect(seqs.openGaps('sim-p03')).toEqual([[43, 45]]);
    expect(seqs.observe('sim-p03', 44)).toBe('reordered');
    expect(seqs.openGaps('sim-p03')).toEqual([
      [43, 43],
      [45, 45],
    ]);
    expect(seqs.observe('sim-p03', 44)).toBe('duplicate');
    expect(seqs.observe('sim-p03', 42)).toBe('duplicate');
    // Before the first seq seen (a consumer started after it): late, maybe never folded.
    expect(seqs.observe('sim-p03', 40)).toBe('reordered');
    expect(seqs.observe('sim-p03', 43)).toBe('reordered');
    expect(seqs.observe('sim-p03', 45)).toBe('reordered');
    expect(seqs.openGaps('sim-p03')).toEqual([]);
    expect(seqs.expected('sim-p03')).toBe(47);
    expect(seqs.counters).toEqual({
      gaps: 1,
      missing: 3,
      reordered: 4,
      duplicates: 2,
      sourcesEvicted: 0,
      gapRangesForgotten: 0,
    });
    expect(anomalies[0]).toEqual({
      kind: 'gap',
      source: 'sim-p03',
      expected: 43,
      got: 46,
      missingFrom: 43,
      missingTo: 45,
    });
    expect(anomalies.map((a) => a.kind)).toEqual([
      'gap',
      'reordered',
      'duplicate',
      'duplicate',
      'reordered',
      'reordered',
      'reordered',
    ]);
  });

  it('keeps sources apart', () => {
    const seqs = new SequenceTracker();
    expect(seqs.observe('a', 1)).toBe('first');
    expect(seqs.observe('b', 1)).toBe('first');
    expect(seqs.observe('a', 2)).toBe('next');
    expect(seqs.observe('b', 2)).toBe('next');
    expect(seqs.size).toBe(2);
  });

  it('agrees with a set-of-seen-seqs model while no gap range is forgotten', () => {
    fc.assert(
      fc.property(observations, (obs) => {
        const seqs = new SequenceTracker({ maxGapRanges: 1_000 });
        const model = new SeenModel();
        for (const [source, seq] of obs) {
          expect(seqs.observe(source, seq)).toBe(model.observe(source, seq));
        }
        for (const source of ['a', 'b', 'c']) {
          expect(seqs.openGaps(source)).toEqual(model.openGaps(source));
        }
        expect(seqs.counters.missing).toBe(model.missing);
        expect(seqs.counters.gapRangesForgotten).toBe(0);
      }),
      { numRuns: 500 },
    );
  });

  it('with few gap ranges, only ever calls a late seq a duplicate, and counts what it forgot', () => {
    fc.assert(
      fc.property(observations, (obs) => {
        const seqs = new SequenceTracker({ maxGapRanges: 2 });
        const model = new SeenModel();
        let disagreements = 0;
        for (const [source, seq] of obs) {
          const got = seqs.observe(source, seq);
          const want = model.observe(source, seq);
          if (got !== want) {
            expect([got, want]).toEqual(['duplicate', 'reordered']);
            disagreements++;
          }
          expect(seqs.openGaps(source).length).toBeLessThanOrEqual(2);
        }
        if (disagreements > 0) expect(seqs.counters.gapRangesForgotten).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it('forgets the oldest gap range beyond maxGapRanges', () => {
    const seqs = new SequenceTracker({ maxGapRanges: 2 });
    seqs.observe('a', 0);
    seqs.observe('a', 2); // missing 1
    seqs.observe('a', 4); // missing 3
    seqs.observe('a', 6); // missing 5: [1,1] is forgotten
    expect(seqs.openGaps('a')).toEqual([
      [3, 3],
      [5, 5],
    ]);
    expect(seqs.counters.gapRangesForgotten).toBe(1);
    expect(seqs.observe('a', 1)).toBe('duplicate');
    expect(seqs.observe('a', 3)).toBe('reordered');
  });

  it('evicts the least recently used source beyond maxSources, and counts it', () => {
    const seqs = new SequenceTracker({ maxSources: 2 });
    seqs.observe('a', 10);
    seqs.observe('b', 10);
    seqs.observe('a', 11); // b is now the least recently used
    seqs.observe('c', 10);
    expect(seqs.size).toBe(2);
    expect(seqs.counters.sourcesEvicted).toBe(1);
    expect(seqs.expected('b')).toBeUndefined();
    expect(seqs.observe('a', 12)).toBe('next');
    expect(seqs.observe('b', 11)).toBe('first');
    expect(seqs.counters.sourcesEvicted).toBe(2);
  });

  it('holds at most maxSources sources under a flood of new ones', () => {
    const seqs = new SequenceTracker({ maxSources: 100 });
    for (let i = 0; i < 10_000; i++) seqs.observe(`s${i}`, i);
    expect(seqs.size).toBe(100);
    expect(seqs.counters.sourcesEvicted).toBe(9_900);
  });

  it('refuses bounds that are not integers >= 1', () => {
    expect(() => new SequenceTracker({ maxSources: 0 })).toThrow(InvalidRuntimeOptionError);
    expect(() => new SequenceTracker({ maxGapRanges: 1.5 })).toThrow(/maxGapRanges/);
  });
});
