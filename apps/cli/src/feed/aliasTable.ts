/** A weighted choice among n items in O(1) per pick (Vose's alias method). */
export interface AliasTable {
  readonly size: number;
  /**
   * The index picked by one uniform deviate `u` in [0, 1): its integer part of `u * n` picks
   * a column, the fraction decides between the column and its alias.
   */
  pick(u: number): number;
}

/**
 * Builds an alias table for `weights` (each finite and >= 0, at least one > 0) in O(n): the
 * simulator picks a symbol per tick, and a cumulative search would cost O(log n) per tick.
 *
 * @throws {RangeError} for no weights, a negative or non-finite one, or all zero
 * @example
 * const table = aliasTable([1, 1, 2]);
 * table.pick(random.next()); // 2 about half the time
 */
export function aliasTable(weights: ArrayLike<number>): AliasTable {
  const n = weights.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i] as number;
    if (!(w >= 0 && w < Number.POSITIVE_INFINITY)) {
      throw new RangeError(`weight ${i} must be a finite number >= 0, got ${w}`);
    }
    total += w;
  }
  if (n === 0 || total <= 0) throw new RangeError('aliasTable needs at least one weight > 0');
  const probability = new Float64Array(n);
  const alias = new Int32Array(n);
  const small: number[] = [];
  const large: number[] = [];
  for (let i = 0; i < n; i++) {
    const scaled = ((weights[i] as number) * n) / total;
    probability[i] = scaled;
    (scaled < 1 ? small : large).push(i);
  }
  while (small.length > 0 && large.length > 0) {
    const s = small.pop() as number;
    const l = large.pop() as number;
    alias[s] = l;
    const rest = (probability[l] as number) + (probability[s] as number) - 1;
    probability[l] = rest;
    (rest < 1 ? small : large).push(l);
  }
  // What is left is 1 up to rounding error.
  for (const i of large) probability[i] = 1;
  for (const i of small) probability[i] = 1;
  return {
    size: n,
    pick(u: number): number {
      const x = u * n;
      const column = Math.floor(x);
      return x - column < (probability[column] as number) ? column : (alias[column] as number);
    },
  };
}
