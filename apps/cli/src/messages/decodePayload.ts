import { decodePlain } from '@ballast/protocol';
import { toJsonValue } from './toJsonValue.js';

/** What a payload turned out to be, as a JSON-safe value. */
export type DecodedPayload =
  /** One MessagePack value, converted by {@link toJsonValue}. */
  | { readonly kind: 'value'; readonly value: unknown }
  /** Zero bytes: a signal (e.g. a sink's "ok" reply), not a MessagePack value. */
  | { readonly kind: 'empty' }
  /** Not one MessagePack value; `text` when the bytes are printable UTF-8 (e.g. JSON). */
  | {
      readonly kind: 'undecodable';
      readonly reason: string;
      readonly bytes: number;
      readonly text?: string;
    };

/** Largest payload decoded: NATS's own limit is 1 MiB by default, 64 MiB at most. */
const maxDecodedBytes = 64 * 1024 * 1024;
/** Longest text preview of an undecodable payload, in characters. */
const maxTextPreview = 512;

/**
 * Decodes a message payload as plain MessagePack (protocol's `decodePlain`). Never throws: a
 * payload that is not MessagePack is described instead, so one odd message cannot stop a
 * `ballast sub`.
 *
 * @example
 * decodePayload(encodePlain({ a: 1 })); // { kind: 'value', value: { a: 1 } }
 * decodePayload(new TextEncoder().encode('hi')); // { kind: 'undecodable', reason: '...', bytes: 2, text: 'hi' }
 */
export function decodePayload(bytes: Uint8Array): DecodedPayload {
  if (bytes.length === 0) return { kind: 'empty' };
  try {
    return { kind: 'value', value: toJsonValue(decodePlain(bytes, { maxBytes: maxDecodedBytes })) };
  } catch (error) {
    const text = printableText(bytes);
    return {
      kind: 'undecodable',
      reason: reasonOf(error),
      bytes: bytes.length,
      ...(text !== undefined && { text }),
    };
  }
}

/**
 * The JSON shape of a decoded payload: the value itself, `{ empty: true, bytes: 0 }`, or
 * `{ undecodable: "<reason>", bytes: n }` (with `text` when printable).
 *
 * @example
 * payloadJson(decodePayload(bytes)); // { undecodable: 'not MessagePack: ...', bytes: 5, text: 'hello' }
 */
export function payloadJson(decoded: DecodedPayload): unknown {
  switch (decoded.kind) {
    case 'value':
      return decoded.value;
    case 'empty':
      return { empty: true, bytes: 0 };
    case 'undecodable':
      return {
        undecodable: decoded.reason,
        bytes: decoded.bytes,
        ...(decoded.text !== undefined && { text: decoded.text }),
      };
  }
}

// The protocol error wraps msgpackr's message in "plain value payload (n bytes) is not one
// MessagePack value: ..."; the byte count is printed separately, so keep only the tail.
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const marker = 'is not one MessagePack value: ';
  const at = message.indexOf(marker);
  return at === -1 ? message : `not one MessagePack value: ${message.slice(at + marker.length)}`;
}

// Text other tools publish (JSON from `nats pub`, JetStream API replies) is worth showing.
function printableText(bytes: Uint8Array): string | undefined {
  let text: string;
  const cut = bytes.length > maxTextPreview * 4;
  try {
    // `stream` when cut, so a character split by the cut is not taken for invalid UTF-8.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, maxTextPreview * 4), {
      stream: cut,
    });
  } catch {
    return undefined;
  }
  // Control characters other than tab/newline/CR mean binary, not text.
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) {
      return undefined;
    }
  }
  return text.length > maxTextPreview ? `${text.slice(0, maxTextPreview)}…` : text;
}
