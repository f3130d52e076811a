/**
 * A figure's number for a table: millions as `1.23M`, tens of thousands as `12.3k`, hundreds
 * and up without decimals, small numbers with two.
 *
 * @example
 * formatNumber(17_147_093); // '17.15M'
 * formatNumber(56.327); // '56.33'
 */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (Math.abs(n) >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(Math.abs(n) >= 100 ? 0 : 2);
}
