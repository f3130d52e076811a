import type { MsgHdrs } from '@nats-io/nats-core';
import { decodePayload, payloadJson } from './decodePayload.js';

/** What `ballast sub` / `ballast req` print of a message. */
export interface RenderableMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly reply?: string | undefined;
  readonly headers?: MsgHdrs | undefined;
}

/** How to print messages: `pretty` for people, `json` one object per line for programs. */
export interface RenderOptions {
  readonly format: 'pretty' | 'json';
  /** Print the payload bytes in this encoding instead of decoding them. */
  readonly raw?: RawEncoding | undefined;
  /** The message's number in a `pretty` header (`[#3]`). */
  readonly index?: number | undefined;
}

/**
 * Encodings `--raw` accepts.
 *
 * @example
 * rawEncodings.includes(text as RawEncoding);
 */
export const rawEncodings = ['base64', 'hex'] as const;
/** An encoding `--raw` accepts. */
export type RawEncoding = (typeof rawEncodings)[number];

/**
 * Renders one message, newline-terminated. `pretty`: a header line with the number, subject,
 * size, reply subject and headers, then the decoded payload as indented JSON. `json`: one line
 * `{"subject","data"}` (plus `reply` and `headers` when present); with `raw`, `data` is replaced
 * by `bytes` and the payload as `base64` or `hex`.
 *
 * @example
 * process.stdout.write(renderMessage(msg, { format: 'json' }));
 * // {"subject":"md.candle.1m.AAPL","data":{"v":1,"symbol":"AAPL",...}}
 */
export function renderMessage(message: RenderableMessage, options: RenderOptions): string {
  const headers = headersRecord(message.headers);
  if (options.format === 'json') {
    const line: Record<string, unknown> = { subject: message.subject };
    if (message.reply) line.reply = message.reply;
    if (headers) line.headers = headers;
    if (options.raw) {
      line.bytes = message.data.length;
      line[options.raw] = encodeRaw(message.data, options.raw);
    } else {
      line.data = payloadJson(decodePayload(message.data));
    }
    return `${JSON.stringify(line)}\n`;
  }
  const index = options.index === undefined ? '' : `[#${options.index}] `;
  const reply = message.reply ? `  reply ${message.reply}` : '';
  const lines = [`${index}${message.subject}  (${message.data.length} bytes)${reply}`];
  for (const [key, values] of Object.entries(headers ?? {})) {
    for (const value of values) lines.push(`${key}: ${value}`);
  }
  lines.push(options.raw ? encodeRaw(message.data, options.raw) : prettyPayload(message.data));
  return `${lines.join('\n')}\n\n`;
}

/**
 * A payload alone as indented JSON, for `ballast req`.
 *
 * @example
 * prettyPayload(encodePlain({ ok: true })); // '{\n  "ok": true\n}'
 */
export function prettyPayload(data: Uint8Array): string {
  const decoded = decodePayload(data);
  if (decoded.kind === 'empty') return '(empty payload)';
  return JSON.stringify(payloadJson(decoded), null, 2);
}

function encodeRaw(data: Uint8Array, encoding: RawEncoding): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString(encoding);
}

// NATS headers as { name: [values] }; a status-only header (e.g. 503) shows as its code.
function headersRecord(headers: MsgHdrs | undefined): Record<string, string[]> | undefined {
  if (headers === undefined) return undefined;
  // No prototype: a header named "__proto__" stays a header.
  const record: Record<string, string[]> = Object.create(null);
  if (headers.code !== 0) record[':status'] = [`${headers.code} ${headers.description}`.trim()];
  for (const key of headers.keys()) record[key] = headers.values(key);
  return Object.keys(record).length === 0 ? undefined : record;
}
