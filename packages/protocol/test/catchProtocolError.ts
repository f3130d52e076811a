import { ProtocolError } from '../src/errors.js';

/**
 * Runs `fn` and returns the ProtocolError it throws. Fails the test when it returns, or
 * when it throws anything else (which is a bug: the package promises only ProtocolError).
 */
export function catchProtocolError(fn: () => unknown): ProtocolError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProtocolError) return error;
    throw new Error(`expected a ProtocolError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected a ProtocolError, but nothing was thrown');
}
