import { type Command, InvalidArgumentError } from 'commander';
import { type CliConfig, loadCliConfig } from '../config/cliConfig.js';

/**
 * The shared settings for a command's action: its flags and the global ones, then the
 * environment, then the config file.
 *
 * @example
 * .action(async (symbol, _opts, cmd: Command) => { const config = commandConfig(cmd); ... })
 */
export function commandConfig(command: Command): CliConfig {
  return loadCliConfig({ flags: command.optsWithGlobals() });
}

/**
 * Commander argument parsers that reject bad values with a message naming them (exit code 2).
 *
 * @example
 * .option('--rate <ticks/s>', 'ticks per second', flagParsers.positive('--rate'), 100)
 */
export const flagParsers = {
  positive:
    (flag: string) =>
    (text: string): number => {
      const value = Number(text);
      if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
        throw new InvalidArgumentError(`${flag} must be a positive number, got "${text}"`);
      }
      return value;
    },
  nonNegative:
    (flag: string) =>
    (text: string): number => {
      const value = Number(text);
      if (text.trim() === '' || !Number.isFinite(value) || value < 0) {
        throw new InvalidArgumentError(`${flag} must be a number >= 0, got "${text}"`);
      }
      return value;
    },
  integer:
    (flag: string, min = 0) =>
    (text: string): number => {
      const value = Number(text);
      if (!/^\s*-?\d+\s*$/.test(text) || value < min) {
        throw new InvalidArgumentError(`${flag} must be an integer >= ${min}, got "${text}"`);
      }
      return value;
    },
  fraction:
    (flag: string) =>
    (text: string): number => {
      const value = Number(text);
      if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
        throw new InvalidArgumentError(`${flag} must be between 0 and 1, got "${text}"`);
      }
      return value;
    },
};
