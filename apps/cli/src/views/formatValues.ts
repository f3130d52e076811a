import type { LastQuote } from '@ballast/machines';

/**
 * Value formatting shared by the views. Pure and locale-independent (no `toLocaleString`),
 * so output is the same on every machine and tests can compare it.
 */
export const formatValues = {
  /**
   * A time as ISO 8601 UTC; `-` for an invalid one.
   *
   * @example
   * formatValues.time(0); // '1970-01-01T00:00:00.000Z'
   */
  time(ms: number): string {
    return Number.isFinite(ms) ? new Date(ms).toISOString() : '-';
  },

  /**
   * A count with `_` as thousands separator, as in code.
   *
   * @example
   * formatValues.count(1234567); // '1_234_567'
   */
  count(n: number | null): string {
    if (n === null || !Number.isFinite(n)) return '-';
    const sign = n < 0 ? '-' : '';
    return sign + String(Math.trunc(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, '_');
  },

  /**
   * A measured number without floating-point noise (a sum of sizes), 12 significant digits.
   *
   * @example
   * formatValues.number(0.1 + 0.2); // '0.3'
   */
  number(n: number): string {
    return Number.isFinite(n) ? String(Number(n.toPrecision(12))) : String(n);
  },

  /**
   * A rate per second, one decimal below 100.
   *
   * @example
   * formatValues.rate(12.345); // '12.3'
   */
  rate(n: number | null): string {
    if (n === null || !Number.isFinite(n)) return '-';
    return n < 100 ? n.toFixed(1) : formatValues.count(Math.round(n));
  },

  /**
   * Bytes in binary units.
   *
   * @example
   * formatValues.bytes(85 * 1024 * 1024); // '85.0 MiB'
   */
  bytes(n: number): string {
    if (!Number.isFinite(n)) return '-';
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let value = n;
    let unit = 0;
    while (Math.abs(value) >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
  },

  /**
   * A duration as the two largest units.
   *
   * @example
   * formatValues.duration(3_725_000); // '1h 2m'
   */
  duration(ms: number): string {
    if (!Number.isFinite(ms) || ms < 0) return '-';
    const s = Math.floor(ms / 1000);
    if (s < 60) return `${s}s`;
    if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
    if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
    return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
  },

  /**
   * Partition numbers as ranges.
   *
   * @example
   * formatValues.partitions([0, 1, 2, 5, 7, 8]); // '0-2,5,7-8'
   */
  partitions(list: readonly number[]): string {
    if (list.length === 0) return '-';
    const sorted = [...list].sort((a, b) => a - b);
    const parts: string[] = [];
    let from = sorted[0] as number;
    let to = from;
    for (const p of sorted.slice(1)) {
      if (p === to + 1) {
        to = p;
        continue;
      }
      parts.push(from === to ? `${from}` : `${from}-${to}`);
      from = p;
      to = p;
    }
    parts.push(from === to ? `${from}` : `${from}-${to}`);
    return parts.join(',');
  },

  /**
   * A last quote: price x size, event time and the log sequence it came from.
   *
   * @example
   * formatValues.quote({ price: 187.25, size: 100, ts: 0, seq: 7 }); // '187.25 x 100 at 1970-01-01T00:00:00.000Z (seq 7)'
   */
  quote(quote: LastQuote | null): string {
    if (quote === null) return '-';
    return `${formatValues.number(quote.price)} x ${formatValues.number(quote.size)} at ${formatValues.time(quote.ts)} (seq ${quote.seq})`;
  },

  /**
   * A breaker state code (0 closed, 1 open, 2 half-open) as a word.
   *
   * @example
   * formatValues.breaker(1); // 'OPEN'
   */
  breaker(code: number): string {
    return code === 0 ? 'closed' : code === 1 ? 'OPEN' : code === 2 ? 'half-open' : `state ${code}`;
  },
} as const;
