import { encodePlain } from '@ballast/protocol';
import { UsageError } from '../cli/CliError.js';
import { parseJsonInput } from './parseJsonInput.js';

/** Most bytes read from stdin: NATS's default max_payload (1 MiB) and then some for JSON. */
const maxStdinBytes = 4 * 1024 * 1024;

/** Where {@link readPayloadInput} reads when no argument is given. */
export interface PayloadInputSource {
  readonly stdin?: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly maxBytes?: number;
}

/**
 * The message payload for `ballast pub` / `ballast req`: JSON from the argument, else from
 * stdin (unless it is a terminal), encoded as plain MessagePack with protocol's `encodePlain`.
 * No argument and an empty or terminal stdin give an empty payload (what e.g. a `sys.workers`
 * request carries).
 * @throws {UsageError} invalid JSON (with its position) or stdin over `maxBytes`
 *
 * @example
 * const payload = await readPayloadInput('{"symbol":"AAPL"}'); // msgpack of { symbol: 'AAPL' }
 */
export async function readPayloadInput(
  argument: string | undefined,
  { stdin = process.stdin, maxBytes = maxStdinBytes }: PayloadInputSource = {},
): Promise<Uint8Array> {
  let text: string;
  let source: string;
  if (argument !== undefined) {
    text = argument;
    source = 'argument';
  } else if (stdin.isTTY) {
    return new Uint8Array(0);
  } else {
    text = await readBounded(stdin, maxBytes);
    source = 'stdin';
    if (text.trim() === '') return new Uint8Array(0);
  }
  // Any JSON value, not only objects: msgpack encodes a bare string or number just as well.
  return encodePlain(parseJsonInput(text, source) as object);
}

async function readBounded(stream: NodeJS.ReadableStream, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += bytes.length;
    // Refused at the bound rather than after reading everything: stdin may never end.
    if (size > maxBytes) {
      throw new UsageError(`stdin holds more than ${maxBytes} bytes; a message must be smaller`);
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString('utf8');
}
