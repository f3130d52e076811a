import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type InFlightSeq, InFlightSeqs } from './InFlightSeqs.js';

/** The definition: the highest taken seq with every taken message at or below it done. */
function donePrefix(start: number, taken: readonly { seq: number; done: boolean }[]): number {
  let processed = start;
  for (const message of taken) {
    if (!message.done) break;
    processed = message.seq;
  }
  return processed;
}

describe('InFlightSeqs', () => {
  it('moves processed only over the done prefix', () => {
    const progress = new InFlightSeqs(100, 4);
    const a = progress.begin(101);
    progress.complete(102);
    const b = progress.begin(105);
    progress.complete(106);
    progress.complete(107);
    expect(progress.processed).toBe(100);
    progress.finish(b);
    expect(progress.processed).toBe(100); // 101 still waits
    expect(progress.size).toBe(2);
    progress.finish(a);
    expect(progress.processed).toBe(107);
    expect(progress.size).toBe(0);
    progress.complete(110);
    expect(progress.processed).toBe(110);
  });

  it('is full at its capacity, refuses a begin then, and frees room as the head finishes', () => {
    const progress = new InFlightSeqs(0, 2);
    const a = progress.begin(1);
    progress.begin(2);
    expect(progress.full).toBe(true);
    expect(() => progress.begin(3)).toThrow(RangeError);
    progress.complete(3); // folded at once: takes no entry, so a full FIFO never blocks it
    progress.finish(a);
    expect(progress.full).toBe(false);
    expect(progress.processed).toBe(1);
  });

  it('refuses a sequence that does not increase', () => {
    const progress = new InFlightSeqs(10, 4);
    expect(() => progress.complete(10)).toThrow(/must increase/);
    progress.begin(12);
    expect(() => progress.begin(11)).toThrow(/must increase/);
  });

  it('equals the done prefix for any completion order (property)', () => {
    type Step = { kind: 'take'; gap: number; cold: boolean } | { kind: 'finish'; pick: number };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({
        kind: fc.constant('take' as const),
        gap: fc.integer({ min: 1, max: 3 }),
        cold: fc.boolean(),
      }),
      fc.record({ kind: fc.constant('finish' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000 }),
        fc.integer({ min: 1, max: 8 }),
        fc.array(step, { maxLength: 200, size: 'max' }),
        (start, capacity, steps) => {
          const progress = new InFlightSeqs(start, capacity);
          const taken: { seq: number; done: boolean }[] = [];
          const open: { entry: InFlightSeq; message: { seq: number; done: boolean } }[] = [];
          let seq = start;
          const check = () => {
            expect(progress.processed).toBe(donePrefix(start, taken));
            expect(progress.size).toBeLessThanOrEqual(capacity);
          };
          for (const s of steps) {
            if (s.kind === 'take') {
              if (s.cold && progress.full) continue; // the consumer would wait
              seq += s.gap;
              const message = { seq, done: !s.cold };
              taken.push(message);
              if (s.cold) open.push({ entry: progress.begin(seq), message });
              else progress.complete(seq);
            } else if (open.length > 0) {
              const [picked] = open.splice(s.pick % open.length, 1);
              if (picked === undefined) continue;
              picked.message.done = true;
              progress.finish(picked.entry);
            }
            check();
          }
          // Everything finishes eventually: processed reaches the last taken message.
          for (const { entry, message } of open.reverse()) {
            message.done = true;
            progress.finish(entry);
            check();
          }
          expect(progress.processed).toBe(taken.at(-1)?.seq ?? start);
          expect(progress.size).toBe(0);
        },
      ),
      { numRuns: 500 },
    );
  });
});
