import { isTimeframe, type Timeframe, timeframes } from '@ballast/protocol';
import { InvalidArgumentError } from 'commander';

/**
 * Commander parsers for the flags the query commands share; a bad value exits 2 naming it.
 *
 * @example
 * .option('--tf <timeframe>', 'candle timeframe', queryFlags.timeframe, '1m')
 */
export const queryFlags = {
  /** `--tf`: one of the protocol's timeframes. */
  timeframe(text: string): Timeframe {
    if (!isTimeframe(text)) {
      throw new InvalidArgumentError(`--tf must be one of ${timeframes.join(', ')}, got "${text}"`);
    }
    return text;
  },

  /** A whole number between `min` and `max`, for counts with a hard bound. */
  bounded:
    (flag: string, min: number, max: number) =>
    (text: string): number => {
      const value = Number(text);
      if (!/^\s*\d+\s*$/.test(text) || value < min || value > max) {
        throw new InvalidArgumentError(
          `${flag} must be an integer from ${min} to ${max}, got "${text}"`,
        );
      }
      return value;
    },
};
