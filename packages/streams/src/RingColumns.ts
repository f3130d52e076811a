import { InvalidOptionError, RingSnapshotError, StreamsError } from './errors.js';
import { integerOption } from './options.js';

/**
 * The state of a {@link RingColumns}, for persistence: copies of the columns in slot order
 * plus where the entries are. Typed arrays, so a codec can write them as raw bytes.
 */
export interface RingSnapshot<TField extends string> {
  readonly fields: readonly TField[];
  readonly capacity: number;
  /** The slot the next push writes; when full, also the oldest entry's slot. */
  readonly head: number;
  /** Entries held, `0..capacity`. */
  readonly length: number;
  /** One `capacity`-long column per field, indexed by slot. */
  readonly columns: Readonly<Record<TField, Float64Array>>;
}

/**
 * A fixed-capacity ring of numeric rows stored column by column: one `Float64Array` per field,
 * all views of one `ArrayBuffer` allocated at construction. A row costs exactly
 * `8 * fields.length` bytes and no object; pushing into a full ring overwrites the oldest row,
 * so the bound holds at insert and nothing grows afterwards.
 *
 * Rows are addressed by slot (an index into the columns). `slotAt(position)` counts from the
 * oldest row, `slotOfAge(age)` from the newest; both are O(1).
 *
 * @example
 * const oi = new RingColumns(['ts', 'openInterest'] as const, 288);
 * oi.push({ ts: Date.now(), openInterest: 1.2e9 });
 * oi.get('openInterest', 0); // newest value
 */
export class RingColumns<TField extends string> {
  readonly fields: readonly TField[];
  readonly capacity: number;
  /** The raw columns, indexed by slot (not by age): read them through `slotAt`/`slotOfAge`. */
  readonly columns: Readonly<Record<TField, Float64Array>>;
  private start = 0;
  private count = 0;

  /**
   * @param fields - column names, distinct, at least one
   * @param capacity - most rows held; an integer >= 1
   * @throws {InvalidOptionError} on an empty or duplicated field list or a bad capacity
   */
  constructor(fields: readonly TField[], capacity: number) {
    this.capacity = integerOption('capacity', capacity, 1);
    this.fields = checkFields(fields);
    const buffer = new ArrayBuffer(capacity * fields.length * Float64Array.BYTES_PER_ELEMENT);
    const columns = {} as Record<TField, Float64Array>;
    fields.forEach((field, i) => {
      columns[field] = new Float64Array(
        buffer,
        i * capacity * Float64Array.BYTES_PER_ELEMENT,
        capacity,
      );
    });
    this.columns = columns;
  }

  /** Rows held, `0..capacity`. */
  get length(): number {
    return this.count;
  }

  /** The slot the next push writes; when full, also the oldest row's slot. */
  get head(): number {
    return this.wrap(this.start + this.count);
  }

  /**
   * Bytes one row costs: 8 per field, nothing else per row.
   *
   * @example
   * new RingColumns(['a', 'b'], 10).bytesPerEntry(); // 16
   */
  bytesPerEntry(): number {
    return this.fields.length * Float64Array.BYTES_PER_ELEMENT;
  }

  /**
   * Appends a row as the newest, overwriting the oldest when full.
   *
   * @returns the slot written
   * @example
   * ring.push({ ts: 1, price: 100 });
   */
  push(row: Readonly<Record<TField, number>>): number {
    const slot = this.pushSlot();
    for (const field of this.fields) this.columns[field][slot] = row[field];
    return slot;
  }

  /**
   * Appends a row without writing it, overwriting the oldest when full: the allocation-free
   * form of `push`. The slot still holds the old row's numbers; write every field.
   *
   * @returns the slot of the new newest row
   * @example
   * const slot = ring.pushSlot();
   * ring.columns.ts[slot] = ts;
   * ring.columns.price[slot] = price;
   */
  pushSlot(): number {
    if (this.count < this.capacity) {
      return this.wrap(this.start + this.count++);
    }
    const slot = this.start;
    this.start = this.wrap(slot + 1);
    return slot;
  }

  /**
   * Inserts an unwritten row so that `position` rows are older than it, shifting the smaller
   * side of the ring by one slot: O(min(position, length - position)) per column. Needs room;
   * a caller that wants "oldest overwritten" calls `dropOldest()` first.
   *
   * @returns the slot of the new row, to be written field by field
   * @throws {StreamsError} `index_out_of_range` when full or `position` is not in `0..length`
   * @example
   * if (ring.length === ring.capacity) ring.dropOldest();
   * const slot = ring.insertAt(2);
   */
  insertAt(position: number): number {
    if (this.count === this.capacity) {
      throw new StreamsError(
        'index_out_of_range',
        `insertAt needs room but the ring is full (capacity ${this.capacity}); call dropOldest() first`,
      );
    }
    this.checkPosition(position, this.count + 1, 'position');
    this.count++;
    if (position < this.count - 1 - position) {
      // Move the older rows one slot toward the tail: the free slot is just before the oldest.
      this.start = this.wrap(this.start - 1 + this.capacity);
      for (let p = 0; p < position; p++) this.copySlot(this.slotAt(p + 1), this.slotAt(p));
    } else {
      for (let p = this.count - 1; p > position; p--)
        this.copySlot(this.slotAt(p - 1), this.slotAt(p));
    }
    return this.slotAt(position);
  }

  /**
   * Forgets the oldest row.
   *
   * @returns whether there was one
   * @example
   * while (ring.length > 0 && ring.get('ts', ring.length - 1) < cutoff) ring.dropOldest();
   */
  dropOldest(): boolean {
    if (this.count === 0) return false;
    this.start = this.wrap(this.start + 1);
    this.count--;
    return true;
  }

  /**
   * The slot of the row `position` rows after the oldest (0 = oldest).
   *
   * @throws {StreamsError} `index_out_of_range` unless `0 <= position < length`
   * @example
   * const firstClose = candles.columns.close[candles.slotAt(0)];
   */
  slotAt(position: number): number {
    this.checkPosition(position, this.count, 'position');
    return this.wrap(this.start + position);
  }

  /**
   * The slot of the row `age` rows before the newest (0 = newest).
   *
   * @throws {StreamsError} `index_out_of_range` unless `0 <= age < length`
   * @example
   * const previousClose = ring.columns.close[ring.slotOfAge(1)];
   */
  slotOfAge(age: number): number {
    this.checkPosition(age, this.count, 'age');
    return this.wrap(this.start + this.count - 1 - age);
  }

  /**
   * One field of the row `age` rows before the newest.
   *
   * @throws {StreamsError} `index_out_of_range` unless `0 <= age < length`
   * @example
   * ring.get('price', 0); // newest price
   */
  get(field: TField, age: number): number {
    return this.columns[field][this.slotOfAge(age)] as number;
  }

  /**
   * The row `age` rows before the newest, as a new object.
   *
   * @throws {StreamsError} `index_out_of_range` unless `0 <= age < length`
   * @example
   * const { ts, price } = ring.row(0);
   */
  row(age: number): Record<TField, number> {
    return this.rowAtSlot(this.slotOfAge(age));
  }

  /**
   * The slots of every row, oldest to newest.
   *
   * @example
   * for (const slot of ring.slots()) sum += ring.columns.volume[slot];
   */
  *slots(): IterableIterator<number> {
    for (let p = 0; p < this.count; p++) yield this.wrap(this.start + p);
  }

  /**
   * Every row as a new object, oldest to newest.
   *
   * @example
   * const rows = ring.toArray();
   */
  toArray(): Record<TField, number>[] {
    const rows: Record<TField, number>[] = [];
    for (const slot of this.slots()) rows.push(this.rowAtSlot(slot));
    return rows;
  }

  /**
   * Forgets every row; the columns keep their memory.
   *
   * @example
   * ring.clear();
   */
  clear(): void {
    this.start = 0;
    this.count = 0;
  }

  /**
   * Copies the state out for persistence.
   *
   * @example
   * await kv.put(key, encode(ring.snapshot()));
   */
  snapshot(): RingSnapshot<TField> {
    const columns = {} as Record<TField, Float64Array>;
    for (const field of this.fields) columns[field] = this.columns[field].slice();
    return {
      fields: [...this.fields],
      capacity: this.capacity,
      head: this.head,
      length: this.count,
      columns,
    };
  }

  /**
   * Builds a ring from a snapshot, copying its columns.
   *
   * @throws {RingSnapshotError} when capacity, head, length or a column disagree
   * @throws {InvalidOptionError} when the snapshot's field list or capacity is not valid
   * @example
   * const ring = RingColumns.restore(decode(await kv.get(key)));
   */
  static restore<TField extends string>(snapshot: RingSnapshot<TField>): RingColumns<TField> {
    return new RingColumns(snapshot.fields, snapshot.capacity).load(snapshot);
  }

  /**
   * Replaces this ring's rows with a snapshot's, copying its columns. The snapshot must have
   * this ring's fields, in order, and capacity.
   *
   * @returns this ring
   * @throws {RingSnapshotError} when fields, capacity, head, length or a column disagree
   * @example
   * ring.load(snapshot);
   */
  load(snapshot: RingSnapshot<TField>): this {
    const { capacity, head, length, fields } = snapshot;
    if (fields.length !== this.fields.length || this.fields.some((f, i) => fields[i] !== f)) {
      throw new RingSnapshotError(
        `snapshot fields [${fields.join(', ')}] differ from the ring's [${this.fields.join(', ')}]`,
      );
    }
    if (capacity !== this.capacity) {
      throw new RingSnapshotError(
        `snapshot capacity ${capacity} differs from the ring's ${this.capacity}`,
      );
    }
    if (!Number.isInteger(length) || length < 0 || length > capacity) {
      throw new RingSnapshotError(`snapshot length must be in 0..${capacity}; got ${length}`);
    }
    if (!Number.isInteger(head) || head < 0 || head >= capacity) {
      throw new RingSnapshotError(`snapshot head must be in 0..${capacity - 1}; got ${head}`);
    }
    for (const field of fields) {
      const column = snapshot.columns[field];
      if (!(column instanceof Float64Array) || column.length !== capacity) {
        throw new RingSnapshotError(
          `snapshot column "${field}" must be a Float64Array of length ${capacity}; got ${describe(column)}`,
        );
      }
    }
    for (const field of fields) this.columns[field].set(snapshot.columns[field]);
    this.count = length;
    this.start = this.wrap(head - length + capacity);
    return this;
  }

  private rowAtSlot(slot: number): Record<TField, number> {
    const row = {} as Record<TField, number>;
    for (const field of this.fields) row[field] = this.columns[field][slot] as number;
    return row;
  }

  private copySlot(from: number, to: number): void {
    for (const field of this.fields) {
      const column = this.columns[field];
      column[to] = column[from] as number;
    }
  }

  // Indexes stay within [0, 2 * capacity), so one subtraction replaces a modulo.
  private wrap(index: number): number {
    return index >= this.capacity ? index - this.capacity : index;
  }

  private checkPosition(value: number, limit: number, name: string): void {
    if (!Number.isInteger(value) || value < 0 || value >= limit) {
      throw new StreamsError(
        'index_out_of_range',
        `${name} must be an integer in 0..${limit - 1} (the ring holds ${this.count} rows); got ${value}`,
      );
    }
  }
}

function checkFields<TField extends string>(fields: readonly TField[]): readonly TField[] {
  if (fields.length === 0 || new Set(fields).size !== fields.length) {
    throw new InvalidOptionError('fields', fields.join(','), 'a non-empty list of distinct names');
  }
  return [...fields];
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  const name = (value as { constructor?: { name?: string } }).constructor?.name ?? typeof value;
  const length = (value as { length?: unknown }).length;
  return typeof length === 'number' ? `${name} of length ${length}` : name;
}
