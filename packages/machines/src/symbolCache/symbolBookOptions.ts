import type { Timeframe } from '@ballast/protocol';
import { timeframes } from '@ballast/protocol';
import { numberOption } from '../options.js';

/** Bounds of one symbol's book. Every structure is allocated at full size up front. */
export interface SymbolBookOptions {
  /** Candles kept per timeframe. Defaults: 1440/864/672/672/720/360/365 (DESIGN.md). */
  readonly candles?: Partial<Record<Timeframe, number>>;
  /** Open-interest samples kept, one per `openInterestBucketMs`. Default 288 (a day of 5m). */
  readonly openInterestCapacity?: number;
  /** Open-interest sample spacing. Default 5 minutes. */
  readonly openInterestBucketMs?: number;
}

/** {@link SymbolBookOptions} with every default filled in and checked. */
export interface ResolvedSymbolBookOptions {
  readonly candles: Readonly<Record<Timeframe, number>>;
  readonly openInterestCapacity: number;
  readonly openInterestBucketMs: number;
}

/** Candles kept per timeframe unless configured: a day of 1m, three days of 5m, ... a year of 1d. */
export const defaultCandleCapacities: Readonly<Record<Timeframe, number>> = Object.freeze({
  '1m': 1440,
  '5m': 864,
  '15m': 672,
  '30m': 672,
  '1h': 720,
  '4h': 360,
  '1d': 365,
});

/**
 * Fills in defaults and checks every bound is an integer >= 1.
 * @throws {InvalidOptionError} naming the bad option
 */
export function resolveSymbolBookOptions(
  options: SymbolBookOptions = {},
): ResolvedSymbolBookOptions {
  const candles = {} as Record<Timeframe, number>;
  for (const tf of timeframes) {
    candles[tf] = numberOption(
      `candles.${tf}`,
      options.candles?.[tf],
      defaultCandleCapacities[tf],
      {
        min: 1,
        integer: true,
      },
    );
  }
  return {
    candles,
    openInterestCapacity: numberOption('openInterestCapacity', options.openInterestCapacity, 288, {
      min: 1,
      integer: true,
    }),
    openInterestBucketMs: numberOption(
      'openInterestBucketMs',
      options.openInterestBucketMs,
      300_000,
      {
        min: 1,
        integer: true,
      },
    ),
  };
}
