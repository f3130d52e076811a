import { InvalidOptionError, RingSnapshotError, StreamsError } from './errors.js';
import { integerOption } from './options.js';

/**
 * The state of a {@link RingColumns}, for persistence: the rows, column by column, oldest
 * first. Typed arrays, so a codec can write them as raw bytes. (`load` also reads the earlier
 * layout: full-capacity columns in slot order with `head`.)
 */
export interface RingSnapshot<TField extends string> {
  readonly fields: readonly TField[];
  readonly capacity: number;
  /** The slot the next push writes in this layout; when full, also the oldest entry's slot. */
  readonly head: number;
  /** Entries held, `0..capacity`. */
  readonly length: number;
  /** One `length`-long column per field, oldest row first. */
  readonly columns: Readonly<Record<TField, Float64Array>>;
}

/**
 * A bounded ring of numeric rows stored column by column: one `Float64Array` per field, all
 * views of one `ArrayBuffer`. A row costs exactly `8 * fields.length` bytes and no object;
 * pushing into a full ring overwrites the oldest row, so the bound holds at insert. The buffer
 * starts at 16 rows and doubles as rows arrive, up to `capacity`: thousands of sparse windows
 * (symbols that trade rarely) cost what they hold, not what they could hold.
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
  private cols: Record<TField, Float64Array>;
  /** Rows allocated: grows by doubling up to `capacity`, so a sparse ring costs little. */
  private allocated: number;
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
    this.allocated = Math.min(this.capacity, initialRows);
    this.cols = allocateColumns(this.fields, this.allocated);
  }

  /**
   * One `Float64Array` per field, indexed by slot. The arrays are replaced when the ring grows
   * (at most log2(capacity / 16) times), so re-read them after `pushSlot` or `insertAt`.
   */
  get columns(): Readonly<Record<TField, Float64Array>> {
    return this.cols;
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
    for (const field of this.fields) this.cols[field][slot] = row[field];
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
      if (this.count === this.allocated) this.grow();
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
    if (this.count === this.allocated) this.grow();
    this.count++;
    if (position < this.count - 1 - position) {
      // Move the older rows one slot toward the tail: the free slot is just before the oldest.
      this.start = this.wrap(this.start - 1 + this.allocated);
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
    return this.cols[field][this.slotOfAge(age)] as number;
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
   * Copies the rows out, oldest first, `length` rows per column: a snapshot costs what the
   * ring holds, not its capacity. `head` is where the next row would go in that layout.
   *
   * @example
   * const saved = ring.snapshot();
   * RingColumns.restore(saved).toArray(); // same rows
   */
  snapshot(): RingSnapshot<TField> {
    const columns = {} as Record<TField, Float64Array>;
    for (const field of this.fields) {
      const column = new Float64Array(this.count);
      let p = 0;
      for (const slot of this.slots()) column[p++] = this.cols[field][slot] as number;
      columns[field] = column;
    }
    return {
      fields: [...this.fields],
      capacity: this.capacity,
      head: this.count === this.capacity ? 0 : this.count,
      length: this.count,
      columns,
    };
  }

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
    // Two layouts: `length` rows oldest first (what snapshot() writes), or a full-capacity
    // ring with `head` (the layout of earlier snapshots).
    const compact =
      (snapshot.columns[fields[0] as TField] as unknown as { length?: number })?.length === length;
    const rows = compact ? length : capacity;
    for (const field of fields) {
      const column = snapshot.columns[field];
      if (!(column instanceof Float64Array) || column.length !== rows) {
        throw new RingSnapshotError(
          `snapshot column "${field}" must be a Float64Array of length ${length} (or ${capacity}); got ${describe(column)}`,
        );
      }
    }
    this.allocated = Math.min(capacity, Math.max(rows, initialRows));
    this.cols = allocateColumns(this.fields, this.allocated);
    for (const field of fields) this.cols[field].set(snapshot.columns[field]);
    this.count = length;
    this.start = compact ? 0 : this.wrap(head - length + capacity);
    return this;
  }

  // Doubles the allocation and lays the rows out oldest first from slot 0.
  private grow(): void {
    const next = Math.min(this.capacity, this.allocated * 2);
    const cols = allocateColumns(this.fields, next);
    for (const field of this.fields) {
      const from = this.cols[field];
      const to = cols[field];
      let p = 0;
      for (const slot of this.slots()) to[p++] = from[slot] as number;
    }
    this.cols = cols;
    this.allocated = next;
    this.start = 0;
  }

  private rowAtSlot(slot: number): Record<TField, number> {
    const row = {} as Record<TField, number>;
    for (const field of this.fields) row[field] = this.cols[field][slot] as number;
    return row;
  }

  private copySlot(from: number, to: number): void {
    for (const field of this.fields) {
      const column = this.cols[field];
      column[to] = column[from] as number;
    }
  }

  // Indexes stay within [0, 2 * allocated), so one subtraction replaces a modulo.
  private wrap(index: number): number {
    return index >= this.allocated ? index - this.allocated : index;
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

// Rows a new ring allocates; it doubles from here as rows arrive.
const initialRows = 16;

function allocateColumns<TField extends string>(
  fields: readonly TField[],
  rows: number,
): Record<TField, Float64Array> {
  // One buffer for all columns: one allocation, and the columns sit next to each other.
  const buffer = new ArrayBuffer(rows * fields.length * Float64Array.BYTES_PER_ELEMENT);
  const columns = {} as Record<TField, Float64Array>;
  fields.forEach((field, i) => {
    columns[field] = new Float64Array(buffer, i * rows * Float64Array.BYTES_PER_ELEMENT, rows);
  });
  return columns;
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
