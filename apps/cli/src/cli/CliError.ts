/**
 * An error the `ballast` command reports as one clear line, without a stack trace, and exits
 * with `exitCode`: 2 for a bad invocation (flags, config), 1 for a failure while running.
 *
 * @example
 * throw new CliError(`no symbol "ZZZ" in the registry`);
 */
export class CliError extends Error {
  override readonly name: string = 'CliError';
  readonly exitCode: number;

  constructor(message: string, exitCode = 1, options?: ErrorOptions) {
    super(message, options);
    this.exitCode = exitCode;
  }
}

/**
 * A bad invocation: unknown or malformed flag, invalid configuration. Exit code 2.
 *
 * @example
 * throw new UsageError('--rate must be a positive number, got "fast"');
 */
export class UsageError extends CliError {
  override readonly name = 'UsageError';

  constructor(message: string, options?: ErrorOptions) {
    super(message, 2, options);
  }
}
