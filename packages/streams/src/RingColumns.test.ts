import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError, RingSnapshotError, StreamsError } from './errors.js';
import { RingColumns } from './RingColumns.js';

const fields = ['ts', 'price'] as const;
type Row = Record<(typeof fields)[number], number>;

describe('RingColumns', () => {
  it('overwrites the oldest row when full', () => {
    const ring = new RingColumns(fields, 3);
    for (let i = 1; i <= 5; i++) ring.push({ ts: i, price: i * 10 });
    expect(ring.length).toBe(3);
    expect(ring.toArray()).toEqual([
      { ts: 3, price: 30 },
      { ts: 4, price: 40 },
      { ts: 5, price: 50 },
    ]);
  });

  it('reads by age, 0 being the newest', () => {
    const ring = new RingColumns(fields, 3);
    for (let i = 1; i <= 4; i++) ring.push({ ts: i, price: i * 10 });
    expect(ring.get('ts', 0)).toBe(4);
    expect(ring.row(2)).toEqual({ ts: 2, price: 20 });
    expect(() => ring.get('ts', 3)).toThrow(StreamsError);
    expect(() => ring.slotOfAge(-1)).toThrow('age must be an integer in 0..2');
  });

  it('pushSlot writes in place without allocating a row', () => {
    const ring = new RingColumns(fields, 2);
    const slot = ring.pushSlot();
    ring.columns.ts[slot] = 7;
    ring.columns.price[slot] = 70;
    expect(ring.row(0)).toEqual({ ts: 7, price: 70 });
  });

  it('costs 8 bytes per field per row', () => {
    expect(new RingColumns(fields, 10).bytesPerEntry()).toBe(16);
    expect(new RingColumns(['a', 'b', 'c'], 1).bytesPerEntry()).toBe(24);
  });

  it('insertAt needs room and a position in 0..length', () => {
    const ring = new RingColumns(fields, 2);
    ring.push({ ts: 1, price: 1 });
    expect(() => ring.insertAt(2)).toThrow(StreamsError);
    ring.insertAt(0);
    expect(() => ring.insertAt(0)).toThrow('insertAt needs room but the ring is full');
  });

  it('rejects an empty or duplicated field list', () => {
    expect(() => new RingColumns([], 1)).toThrow(InvalidOptionError);
    expect(() => new RingColumns(['a', 'a'], 1)).toThrow(InvalidOptionError);
    expect(() => new RingColumns(['a'], 0)).toThrow(InvalidOptionError);
  });

  it('refuses snapshots that do not fit', () => {
    const ring = new RingColumns(fields, 2);
    ring.push({ ts: 1, price: 2 });
    const good = ring.snapshot();
    expect(() => RingColumns.restore({ ...good, length: 3 })).toThrow(RingSnapshotError);
    expect(() => RingColumns.restore({ ...good, head: 2 })).toThrow(RingSnapshotError);
    expect(() =>
      RingColumns.restore({ ...good, columns: { ...good.columns, ts: new Float64Array(3) } }),
    ).toThrow(
      'snapshot column "ts" must be a Float64Array of length 1 (or 2); got Float64Array of length 3',
    );
    expect(() => new RingColumns(['ts', 'qty'], 2).load(good as never)).toThrow(RingSnapshotError);
  });

  it('grows with its rows and snapshots only what it holds, across the wrap', () => {
    const ring = new RingColumns(fields, 1_000);
    for (let i = 0; i < 100; i++) ring.push({ ts: i, price: i * 2 });
    const sparse = ring.snapshot();
    expect(sparse.columns.ts.length).toBe(100);
    expect(RingColumns.restore(sparse).toArray()).toEqual(ring.toArray());
    for (let i = 100; i < 2_500; i++) ring.push({ ts: i, price: i * 2 });
    expect(ring.length).toBe(1_000);
    expect(ring.get('ts', 0)).toBe(2_499);
    expect(ring.get('ts', 999)).toBe(1_500);
    const full = ring.snapshot();
    expect(full.columns.price.length).toBe(1_000);
    expect(RingColumns.restore(full).toArray()).toEqual(ring.toArray());
  });

  it('loads the earlier full-capacity layout (columns in slot order with head)', () => {
    const legacy = {
      fields,
      capacity: 4,
      head: 1,
      length: 3,
      columns: { ts: Float64Array.of(30, 0, 10, 20), price: Float64Array.of(3, 0, 1, 2) },
    };
    expect(RingColumns.restore(legacy).toArray()).toEqual([
      { ts: 10, price: 1 },
      { ts: 20, price: 2 },
      { ts: 30, price: 3 },
    ]);
  });

  it('snapshots are copies', () => {
    const ring = new RingColumns(fields, 2);
    ring.push({ ts: 1, price: 2 });
    const snapshot = ring.snapshot();
    ring.push({ ts: 3, price: 4 });
    expect(RingColumns.restore(snapshot).toArray()).toEqual([{ ts: 1, price: 2 }]);
  });

  it('behaves like a bounded array, and survives snapshot/restore (property)', () => {
    const value = fc.double({ noNaN: true });
    const command = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({ op: fc.constant('push' as const), ts: value, price: value }),
      },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('drop' as const) }) },
      {
        weight: 2,
        arbitrary: fc.record({ op: fc.constant('insert' as const), at: fc.nat(), ts: value }),
      },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('restore' as const) }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('clear' as const) }) },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }),
        fc.array(command, { maxLength: 60 }),
        (cap, cmds) => {
          let ring = new RingColumns(fields, cap);
          const model: Row[] = [];
          for (const cmd of cmds) {
            if (cmd.op === 'push') {
              ring.push({ ts: cmd.ts, price: cmd.price });
              model.push({ ts: cmd.ts, price: cmd.price });
              if (model.length > cap) model.shift();
            } else if (cmd.op === 'drop') {
              expect(ring.dropOldest()).toBe(model.shift() !== undefined);
            } else if (cmd.op === 'insert') {
              if (model.length === cap) continue;
              const at = cmd.at % (model.length + 1);
              const slot = ring.insertAt(at);
              ring.columns.ts[slot] = cmd.ts;
              ring.columns.price[slot] = -1;
              model.splice(at, 0, { ts: cmd.ts, price: -1 });
            } else if (cmd.op === 'restore') {
              ring = RingColumns.restore(ring.snapshot());
            } else {
              ring.clear();
              model.length = 0;
            }
            expect(ring.length).toBe(model.length);
          }
          expect(ring.toArray()).toEqual(model);
          model.forEach((row, position) => {
            const age = model.length - 1 - position;
            expect(ring.row(age)).toEqual(row);
            expect(ring.slotAt(position)).toBe(ring.slotOfAge(age));
          });
          expect([...ring.slots()].map((slot) => ring.columns.ts[slot])).toEqual(
            model.map((row) => row.ts),
          );
        },
      ),
    );
  });
});
