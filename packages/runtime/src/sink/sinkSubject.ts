import { decodePlain, encodePlain } from '@ballast/protocol';

/**
 * The subject closed candles are sent to, by request/reply, one `encodeCandle` message per
 * request. The downstream service (`ballast sink`) answers each with {@link encodeSinkReply}.
 *
 * @example
 * nc.subscribe(sinkSubject, { callback: (_e, msg) => { store(decodeCandle(msg.data)); msg.respond(encodeSinkReply({ ok: true })); } });
 */
export const sinkSubject = 'sink.candles';

/** A sink's answer: stored, or refused with a reason. */
export type SinkReply = { readonly ok: true } | { readonly ok: false; readonly error: string };

// Replies are tiny; anything much longer is not a reply of ours.
const maxErrorLength = 4_096;

/**
 * Encodes a sink reply: an empty payload for `ok`, a plain MessagePack map
 * `{ ok: false, error }` otherwise.
 *
 * @example
 * msg.respond(encodeSinkReply({ ok: false, error: 'disk full' }));
 */
export function encodeSinkReply(reply: SinkReply): Uint8Array {
  if (reply.ok) return new Uint8Array(0);
  return encodePlain({ ok: false, error: reply.error.slice(0, maxErrorLength) });
}

/**
 * Decodes a sink reply. Never throws: an empty payload is `ok`; anything that is not a valid
 * `{ ok: false, error }` map is a refusal whose `error` says what arrived, so a misbehaving
 * responder counts as a failure instead of a silent success.
 *
 * @example
 * const reply = decodeSinkReply((await nc.request(sinkSubject, bytes)).data);
 */
export function decodeSinkReply(bytes: Uint8Array): SinkReply {
  if (bytes.length === 0) return { ok: true };
  let value: unknown;
  try {
    value = decodePlain(bytes);
  } catch (error) {
    return { ok: false, error: `undecodable sink reply (${(error as Error).message})` };
  }
  if (
    typeof value === 'object' &&
    value !== null &&
    (value as { ok?: unknown }).ok === false &&
    typeof (value as { error?: unknown }).error === 'string'
  ) {
    return { ok: false, error: (value as { error: string }).error.slice(0, maxErrorLength) };
  }
  return { ok: false, error: 'sink reply is neither empty nor { ok: false, error: string }' };
}

/** A sink answered a candle with `{ ok: false, error }`; counts as a breaker failure. */
export class SinkRefusedError extends Error {
  readonly code = 'sink_refused';
  readonly subject: string;

  constructor(subject: string, reason: string, options?: { cause?: unknown }) {
    super(`the sink on ${subject} refused a candle: ${reason}`, options);
    this.name = 'SinkRefusedError';
    this.subject = subject;
  }
}
