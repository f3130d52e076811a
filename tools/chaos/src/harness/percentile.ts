/**
 * The `p`-th percentile (0..100) of `values` by the nearest-rank method; `null` when empty.
 *
 * @example
 * percentile([120, 80, 300], 50); // 120
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}
