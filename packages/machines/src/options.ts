import { InvalidOptionError } from './errors.js';

/**
 * Returns `value ?? fallback` after checking it is a finite number >= `min` (an integer when
 * `integer`). Machines call this in their context factory so bad input fails at creation.
 * @internal
 */
export function numberOption(
  option: string,
  value: number | undefined,
  fallback: number,
  { min = 0, integer = false }: { min?: number; integer?: boolean } = {},
): number {
  const resolved = value ?? fallback;
  if (!Number.isFinite(resolved) || resolved < min || (integer && !Number.isInteger(resolved))) {
    throw new InvalidOptionError(
      option,
      resolved,
      `${integer ? 'an integer' : 'a number'} >= ${min}`,
    );
  }
  return resolved;
}
