import type { SeededRandom } from './SeededRandom.js';

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;
/** Options settle at 20:00 UTC (16:00 New York in summer). */
const settleHourUtc = 20;

/** One option contract of an underlying, before it gets a symbol. */
export interface OptionSeries {
  readonly right: 'C' | 'P';
  readonly strike: number;
  /** ms since the epoch. */
  readonly expiresAt: number;
}

/**
 * Draws an option on an underlying priced `underlyingPrice`: a strike within ±20 % on a round
 * step, and an expiry relative to `anchor` (a UTC midnight) chosen so that expiry is visible
 * while a demo runs: 30 % within 1–47 hours, 30 % within 2–9 days, the rest on the third
 * Friday of one of the next 12 months.
 *
 * @example
 * const series = optionSeries(random, 187.25, Date.UTC(2026, 5, 1));
 * optionSymbol('AAPL', series); // e.g. 'AAPL-20260619-C190'
 */
export function optionSeries(
  random: SeededRandom,
  underlyingPrice: number,
  anchor: number,
): OptionSeries {
  const right = random.next() < 0.5 ? 'C' : 'P';
  const step = underlyingPrice < 25 ? 1 : underlyingPrice < 200 ? 5 : 10;
  const strike = Math.max(
    step,
    Math.round((underlyingPrice * random.between(0.8, 1.2)) / step) * step,
  );
  const horizon = random.next();
  let expiresAt: number;
  if (horizon < 0.3) {
    expiresAt = anchor + (1 + random.int(47)) * hourMs;
  } else if (horizon < 0.6) {
    expiresAt = anchor + (2 + random.int(8)) * dayMs + settleHourUtc * hourMs;
  } else {
    const date = new Date(anchor);
    expiresAt = thirdFriday(date.getUTCFullYear(), date.getUTCMonth() + 1 + random.int(12));
  }
  return { right, strike, expiresAt };
}

/**
 * The option's symbol: `<UNDERLYING>-<YYYYMMDD>-<C|P><STRIKE>`, the date being the UTC day of
 * expiry. Letters, digits and '-' only, so it is a subject token and a KV key.
 *
 * @example
 * optionSymbol('AAPL', { right: 'C', strike: 150, expiresAt: Date.UTC(2026, 11, 18, 20) });
 * // 'AAPL-20261218-C150'
 */
export function optionSymbol(underlying: string, series: OptionSeries): string {
  const date = new Date(series.expiresAt);
  const day =
    String(date.getUTCFullYear()) +
    String(date.getUTCMonth() + 1).padStart(2, '0') +
    String(date.getUTCDate()).padStart(2, '0');
  return `${underlying}-${day}-${series.right}${series.strike}`;
}

/**
 * A plausible premium: intrinsic value plus 1–5 % of the underlying as time value, at least
 * 0.05.
 *
 * @example
 * optionPremium(random, 187.25, { right: 'C', strike: 180, expiresAt }); // ≈ 7.25 + time value
 */
export function optionPremium(
  random: SeededRandom,
  underlyingPrice: number,
  series: OptionSeries,
): number {
  const intrinsic =
    series.right === 'C'
      ? Math.max(0, underlyingPrice - series.strike)
      : Math.max(0, series.strike - underlyingPrice);
  return Math.max(0.05, intrinsic + underlyingPrice * random.between(0.01, 0.05));
}

/** 20:00 UTC on the third Friday of `month` (0-based; overflows into later years). */
function thirdFriday(year: number, month: number): number {
  const first = new Date(Date.UTC(year, month, 1));
  const firstFriday = 1 + ((5 - first.getUTCDay() + 7) % 7);
  return Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), firstFriday + 14, settleHourUtc);
}
