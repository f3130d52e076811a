import { InvalidOptionError } from './errors.js';

/**
 * Returns `value ?? fallback` after checking it is a finite number >= `min`, below `below`
 * when given (an integer when `integer`). Machines call this in their context factory so bad
 * input fails at creation.
 * @internal
 */
export function numberOption(
  option: string,
  value: number | undefined,
  fallback: number,
  {
    min = 0,
    below = Number.POSITIVE_INFINITY,
    integer = false,
  }: { min?: number; below?: number; integer?: boolean } = {},
): number {
  const resolved = value ?? fallback;
  if (
    !Number.isFinite(resolved) ||
    resolved < min ||
    resolved >= below ||
    (integer && !Number.isInteger(resolved))
  ) {
    const range = below === Number.POSITIVE_INFINITY ? `>= ${min}` : `in [${min}, ${below})`;
    throw new InvalidOptionError(
      option,
      resolved,
      `${integer ? 'an integer' : 'a number'} ${range}`,
    );
  }
  return resolved;
}
