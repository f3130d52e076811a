import { InvalidRuntimeOptionError } from '../errors.js';

/** Tunables of an {@link InspectRelay}. */
export interface InspectRelayOptions {
  /** A selection expires this long after its last enabling command. Default 60 s. */
  readonly ttlMs?: number;
  /** Most selections held; more are refused (counted). Default 64. */
  readonly maxSelections?: number;
  /** Most actors inspected at once (a `symbol/*` selection stops there, counted). Default 256. */
  readonly maxActors?: number;
  /** Events relayed per second per inspected actor (its children included). Default 50. */
  readonly ratePerSecond?: number;
  /** Events an actor may relay at once before the rate applies. Default 100. */
  readonly burst?: number;
  /** Period of expiry checks and of polling snapshot-only actors. Default 250 ms. */
  readonly tickMs?: number;
  /** An actor is announced again at most this often, whatever the commands. Default 1 s. */
  readonly announceIntervalMs?: number;
  /** How often the relay publishes its counters while it inspects anything. Default 2 s. */
  readonly statsIntervalMs?: number;
  /** Encoded events larger than this are dropped (counted). Default 256 KiB. */
  readonly maxEventBytes?: number;
}

/** {@link InspectRelayOptions} with defaults applied. */
export type ResolvedInspectRelayOptions = Required<InspectRelayOptions>;

/**
 * Applies defaults and checks every option, naming the bad one.
 *
 * @throws {InvalidRuntimeOptionError}
 * @example
 * resolveInspectRelayOptions({ ttlMs: 500 }).maxSelections; // 64
 */
export function resolveInspectRelayOptions(
  options: InspectRelayOptions = {},
): ResolvedInspectRelayOptions {
  const resolved: ResolvedInspectRelayOptions = {
    ttlMs: options.ttlMs ?? 60_000,
    maxSelections: options.maxSelections ?? 64,
    maxActors: options.maxActors ?? 256,
    ratePerSecond: options.ratePerSecond ?? 50,
    burst: options.burst ?? 100,
    tickMs: options.tickMs ?? 250,
    announceIntervalMs: options.announceIntervalMs ?? 1_000,
    statsIntervalMs: options.statsIntervalMs ?? 2_000,
    maxEventBytes: options.maxEventBytes ?? 256 * 1024,
  };
  for (const [key, value] of Object.entries(resolved)) {
    const min = key === 'announceIntervalMs' ? 0 : 1;
    if (!Number.isSafeInteger(value) || value < min) {
      throw new InvalidRuntimeOptionError(key, value, `an integer >= ${min}`);
    }
  }
  return resolved;
}
