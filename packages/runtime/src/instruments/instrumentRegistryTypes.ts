import type { MachineClock, ReloaderInput } from '@ballast/machines';
import type { KV } from '@nats-io/kv';
import type { Logger } from '../logger.js';
import type { InvalidInstrumentError } from './instrumentErrors.js';

/** What a reload (or `InstrumentRegistry.expireNow`) changed in a worker's view. */
export interface InstrumentChange {
  /** New in the registry: activate them. */
  readonly added: readonly string[];
  /** Deleted from the registry: stop and evict them. */
  readonly removed: readonly string[];
  /** Past their `expiresAt` (still in KV): stop and evict them. */
  readonly expired: readonly string[];
}

/** Options of `InstrumentRegistry`. */
export interface InstrumentRegistryOptions {
  /** The `instruments` bucket from `ensureTopology`. */
  readonly kv: KV;
  /** Most instruments in the view; `add` above it throws `RegistryFullError`. Default 100,000. */
  readonly maxInstruments?: number;
  /** Reloader input; defaults: debounce 1 s, max wait 10 s, min interval 5 s. */
  readonly reloader?: ReloaderInput;
  /** Called after each reload or expiry that changed the view. Errors are logged and counted. */
  readonly onChange?: (change: InstrumentChange) => void | PromiseLike<void>;
  /** Sees every registry value a reload could not use (also counted in `invalid` and logged). */
  readonly onInvalid?: (error: InvalidInstrumentError) => void;
  /** Where the reloader's state survives restarts (key `reloader.<workerId>` in `snapshots`). */
  readonly state?: { readonly kv: KV; readonly workerId: string };
  /** A reload that has not read the whole bucket after this long fails. Default 30,000 ms. */
  readonly readTimeoutMs?: number;
  /** Wait before re-creating a KV watch that ended unexpectedly. Default 1,000 ms. */
  readonly watchRetryMs?: number;
  /** Time for expiry and the reloader's timers. Default `unrefClock`. */
  readonly clock?: MachineClock;
  readonly log?: Logger;
}

/** Counters of an `InstrumentRegistry`; all since this process started it. */
export interface InstrumentRegistryCounters {
  /** Reloads run (the one in `start` included). */
  reloads: number;
  reloadFailures: number;
  /** KV changes (and `trigger()` calls) sent to the reloader. */
  triggers: number;
  /** Triggers merged into a reload already due. */
  coalesced: number;
  /** Instruments in the view now. */
  size: number;
  /** `add`s refused because the view was full, and records a reload skipped for the bound. */
  rejected: number;
  /** Registry values that failed validation during a reload or `list`. */
  invalid: number;
  /** Instruments removed from the view because they expired. */
  expired: number;
  /** KV watches re-created after ending unexpectedly. */
  watchRestarts: number;
  /** `onChange` / `onInvalid` handlers that threw or rejected. */
  handlerFailures: number;
  /** Errors of the reloader actor itself (logged). */
  reloaderErrors: number;
}
