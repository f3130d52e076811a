import { InvalidOptionError } from './errors.js';

/**
 * Checks that an option is an integer `>= min` and returns it.
 *
 * @throws {InvalidOptionError} naming the option otherwise
 */
export function integerOption(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidOptionError(name, value, `an integer >= ${min}`);
  }
  return value;
}

/**
 * Checks that an option is a finite number `>= 0` (a duration in ms) and returns it.
 *
 * @throws {InvalidOptionError} naming the option otherwise
 */
export function durationOption(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new InvalidOptionError(name, value, 'a finite number of milliseconds >= 0');
  }
  return value;
}
