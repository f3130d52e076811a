/**
 * Why the instrument registry refused something. Not (yet) part of `RuntimeErrorCode` in
 * `errors.ts`; the classes carry their own code.
 */
export type InstrumentErrorCode = 'invalid_instrument' | 'registry_full' | 'registry_not_started';

/**
 * An instrument symbol, expiry or stored registry value breaks a rule; `field` and the message
 * name the rule. Thrown by `add`/`remove` and the record codec; a bad value met while
 * reloading is counted and reported instead.
 */
export class InvalidInstrumentError extends Error {
  readonly code: InstrumentErrorCode = 'invalid_instrument';
  /** The offending field (`symbol`, `expiresAt`, `addedAt`, `value`, or an unknown field name). */
  readonly field: string;
  /** The KV key the value came from, when decoding one. */
  readonly key: string | undefined;

  constructor(
    field: string,
    value: unknown,
    expected: string,
    options?: { cause?: unknown },
    key?: string,
  ) {
    const where = key === undefined ? '' : ` (registry key ${key})`;
    super(
      `instrument ${field} = ${String(value)} is invalid${where}: expected ${expected}`,
      options,
    );
    this.name = 'InvalidInstrumentError';
    this.field = field;
    this.key = key;
  }
}

/** The registry holds `maxInstruments` instruments already; remove some or raise the bound. */
export class RegistryFullError extends Error {
  readonly code: InstrumentErrorCode = 'registry_full';
  readonly symbol: string;
  readonly limit: number;

  constructor(symbol: string, limit: number) {
    super(
      `cannot add ${symbol}: the instrument registry is full (${limit} instruments); remove expired or unused instruments, or raise maxInstruments`,
    );
    this.name = 'RegistryFullError';
    this.symbol = symbol;
    this.limit = limit;
  }
}

/** A worker-mode method of the registry (its view, its reloader) was used before `start()`. */
export class RegistryNotStartedError extends Error {
  readonly code: InstrumentErrorCode = 'registry_not_started';

  constructor() {
    super('the instrument registry is not started: await registry.start() first');
    this.name = 'RegistryNotStartedError';
  }
}
