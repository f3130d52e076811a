import {
  type DeadLetter,
  deadLetterFor,
  decodeTick,
  ProtocolError,
  parseTickSubject,
  type Tick,
} from '@ballast/protocol';

/** What {@link admitTick} decided: the tick and its partition, or the dead letter to publish. */
export type TickAdmission =
  | { readonly ok: true; readonly tick: Tick; readonly partition: number }
  | { readonly ok: false; readonly deadLetter: DeadLetter };

/**
 * Checks one message from the tick log and decodes it; never throws. A message is admitted
 * when its subject is a tick subject in the partition `partition(symbol, partitions)`
 * computes (a publisher that hashes differently is caught here, not by a wrong fold), its
 * payload is a valid tick, and the tick's symbol is the subject's symbol (a consumer routes
 * by subject, so a mismatch would fold the tick into another symbol's book).
 *
 * Reasons: `bad_subject` (subject shape or partition; also every message when `partitions`
 * itself is invalid, which the worker checks at start), `oversize`, `decode_failed`,
 * `schema_violation` (invalid tick or symbol mismatch), `processing_failed` (anything else).
 *
 * @param subject - the message's subject, `md.tick.<partition>.<SYMBOL>`
 * @param data - the message's payload
 * @param partitions - the tick stream's partition count `P`
 * @param at - the time to stamp a dead letter with; default `Date.now()`
 * @example
 * const admission = admitTick(msg.subject, msg.data, 16);
 * if (admission.ok) route(admission.tick, msg.seq);
 * else reporter.deadLetter(admission.deadLetter);
 */
export function admitTick(
  subject: string,
  data: Uint8Array,
  partitions: number,
  at: number = Date.now(),
): TickAdmission {
  try {
    const parsed = parseTickSubject(subject, { partitions });
    const tick = decodeTick(data, { subject });
    if (tick.symbol !== parsed.symbol) {
      throw new ProtocolError(
        'schema_violation',
        `tick symbol ${JSON.stringify(tick.symbol)} does not match symbol ${JSON.stringify(parsed.symbol)} of subject ${JSON.stringify(subject)}; the publisher must publish a tick on tickSubject(tick.symbol, P)`,
        { subject, field: 'symbol' },
      );
    }
    return { ok: true, tick, partition: parsed.partition };
  } catch (error) {
    // A subject that is not even a string (a caller bug) still yields an encodable letter.
    const where = typeof subject === 'string' ? subject : '';
    const payload = data instanceof Uint8Array ? data : new Uint8Array(0);
    return { ok: false, deadLetter: deadLetterFor(error, { subject: where, payload, at }) };
  }
}
