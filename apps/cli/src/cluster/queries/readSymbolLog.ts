import { topologyNames } from '@ballast/runtime';
import {
  type ConsumerMessages,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { CliError } from '../../cli/CliError.js';
import { deniedBy, isNoResponders } from './natsFailure.js';

/** Options of {@link readSymbolLog}. */
export interface ReadSymbolLogOptions {
  readonly js: Pick<JetStreamClient, 'consumers'>;
  readonly jsm: Pick<JetStreamManager, 'streams'>;
  /** The symbol's tick subject, `tickSubject(symbol, P)`: one filter subject (nats-server 2.9). */
  readonly subject: string;
  /** Read up to and including this stream sequence; default the subject's last message now. */
  readonly upToSeq?: number;
  /** Gives up when the log is not read in this time. Default 60,000 ms. */
  readonly timeoutMs?: number;
  /** Stream name. Default `TICKS`. */
  readonly stream?: string;
  /** Called for each message in log order; synchronous, so nothing is buffered beyond a pull. */
  readonly onMessage: (seq: number, subject: string, data: Uint8Array) => void;
}

/** How far {@link readSymbolLog} read. */
export interface SymbolLogRead {
  /** Messages handed to `onMessage`. */
  readonly read: number;
  /** The last sequence the read was to reach (0 when the subject has no message). */
  readonly endSeq: number;
}

/**
 * Reads one symbol's messages from the tick log with an ordered consumer (no acks, strictly in
 * log order, recreated by the client on a gap) on the symbol's own subject, from the first
 * message up to `upToSeq`. Where the subject's log ends is asked first (`last_by_subj`), so an
 * empty subject costs one request and no consumer.
 *
 * @throws {CliError} no TICKS stream, a denied request, a timeout, or a read error
 * @example
 * await readSymbolLog({ js, jsm, subject: tickSubject('AAPL', 16), upToSeq: reply.lastAppliedSeq,
 *   onMessage: (seq, subject, data) => fold.apply(seq, subject, data) });
 */
export async function readSymbolLog(options: ReadSymbolLogOptions): Promise<SymbolLogRead> {
  const { js, jsm, subject, onMessage } = options;
  const stream = options.stream ?? topologyNames.ticks;
  const timeoutMs = options.timeoutMs ?? 60_000;
  let lastSeq: number;
  try {
    lastSeq = (await jsm.streams.getMessage(stream, { last_by_subj: subject }))?.seq ?? 0;
  } catch (error) {
    throw logFailure(error, stream, subject);
  }
  const endSeq = Math.min(lastSeq, options.upToSeq ?? Number.POSITIVE_INFINITY);
  if (endSeq < 1) return { read: 0, endSeq: 0 };

  let read = 0;
  let timedOut = false;
  let messages: ConsumerMessages | null = null;
  const timer = setTimeout(() => {
    timedOut = true;
    void messages?.close();
  }, timeoutMs);
  timer.unref();
  try {
    const consumer = await js.consumers.get(stream, {
      filter_subjects: subject,
      deliver_policy: DeliverPolicy.All,
    });
    messages = await consumer.consume({ max_messages: 512 });
    for await (const msg of messages) {
      if (msg.seq > endSeq) break;
      onMessage(msg.seq, msg.subject, msg.data);
      read++;
      // pending counts the subject's messages after this one: 0 is the log's end as of now.
      if (msg.seq >= endSeq || msg.info.pending === 0) break;
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw logFailure(error, stream, subject);
  } finally {
    clearTimeout(timer);
    await messages?.close();
  }
  if (timedOut) {
    throw new CliError(
      `reading ${subject} from ${stream} up to seq ${endSeq} took over ${timeoutMs} ms (read ${read} messages); raise --timeout`,
    );
  }
  return { read, endSeq };
}

function logFailure(error: unknown, stream: string, subject: string): CliError {
  if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) {
    return new CliError(`no ${stream} stream: is the cluster running (\`ballast up\`)?`, 1, {
      cause: error,
    });
  }
  const denied = deniedBy(error);
  if (denied !== null) return denied;
  if (isNoResponders(error)) {
    return new CliError(`JetStream does not answer (is the cluster running?)`, 1, {
      cause: error,
    });
  }
  return new CliError(`reading ${subject} from ${stream} failed: ${(error as Error).message}`, 1, {
    cause: error,
  });
}
