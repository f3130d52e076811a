import { type KV, KvWatchInclude } from '@nats-io/kv';
import { InvalidInstrumentError } from './instrumentErrors.js';
import { decodeInstrumentRecord, type InstrumentRecord } from './instrumentRecord.js';

/** Options of {@link scanRegistry}. */
export interface RegistryScanOptions {
  /** The view being replaced: its instruments keep their place in the new one. */
  readonly previous: ReadonlyMap<string, InstrumentRecord>;
  /** Most instruments in the result. */
  readonly maxInstruments: number;
  /** Clock time for expiry; `null` keeps expired records (a listing, not a view). */
  readonly now: number | null;
  /** The scan fails when the bucket has not been read to its end after this long. */
  readonly timeoutMs: number;
  /** Sees every value that is not a valid record; the scan goes on. */
  readonly onInvalid: (error: InvalidInstrumentError) => void;
}

/** What {@link scanRegistry} read. */
export interface RegistryScan {
  readonly records: Map<string, InstrumentRecord>;
  /** Instruments of `previous` that have expired (left out of `records`). */
  readonly expired: string[];
  /** Valid, live records left out because of `maxInstruments`. */
  readonly skipped: number;
  readonly invalid: number;
}

/**
 * Reads the last value of every key of the registry bucket into a new view, bounded at insert.
 * Expired records are left out (listed in `expired` when `previous` held them). Instruments
 * already in `previous` keep their place; new ones get in only while the view would stay
 * within `maxInstruments` even if every previous instrument is still there — so the view never
 * exceeds its bound and a burst of new keys cannot push out instruments that are running.
 *
 * @throws what KV throws, or an error when the read takes longer than `timeoutMs`
 * @example
 * const scan = await scanRegistry(kv, { previous: view, maxInstruments: 100_000, now: Date.now(), timeoutMs: 30_000, onInvalid: report });
 */
export async function scanRegistry(kv: KV, options: RegistryScanOptions): Promise<RegistryScan> {
  const { previous, now } = options;
  const scan = { records: new Map<string, InstrumentRecord>(), expired: [] as string[] };
  let skipped = 0;
  let invalid = 0;
  // A watch on an empty bucket never delivers anything to say it is done.
  if ((await kv.status()).values === 0) return { ...scan, skipped, invalid };
  const room = options.maxInstruments - previous.size;
  let newcomers = 0;
  const watcher = await kv.watch({ include: KvWatchInclude.LastValue });
  const timer = setTimeout(() => {
    watcher.stop(new Error(`reading the instrument registry took over ${options.timeoutMs} ms`));
  }, options.timeoutMs);
  timer.unref();
  try {
    for await (const entry of watcher) {
      let record: InstrumentRecord | undefined;
      if (entry.operation === 'PUT') {
        try {
          record = decodeInstrumentRecord(entry.value, entry.key);
        } catch (error) {
          invalid++;
          if (error instanceof InvalidInstrumentError) options.onInvalid(error);
          else throw error;
        }
      }
      if (record) {
        const known = previous.has(record.symbol);
        if (now !== null && record.expiresAt !== null && record.expiresAt <= now) {
          if (known) scan.expired.push(record.symbol);
        } else if (known || newcomers++ < room) {
          scan.records.set(record.symbol, record);
        } else {
          skipped++;
        }
      }
      // delta is what the consumer has yet to deliver: 0 means every key was seen.
      if (entry.delta === 0) break;
    }
  } finally {
    clearTimeout(timer);
    watcher.stop();
  }
  return { ...scan, skipped, invalid };
}
