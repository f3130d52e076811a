import { Readable } from 'node:stream';
import { decodePlain } from '@ballast/protocol';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../cli/CliError.js';
import { readPayloadInput } from './readPayloadInput.js';

const stdin = (text: string, isTTY = false) =>
  Object.assign(Readable.from([Buffer.from(text)]), { isTTY });

describe('readPayloadInput', () => {
  it('encodes the argument, else stdin, as plain MessagePack', async () => {
    expect(decodePlain(await readPayloadInput('{"a":[1]}', { stdin: stdin('ignored') }))).toEqual({
      a: [1],
    });
    expect(decodePlain(await readPayloadInput(undefined, { stdin: stdin(' 42\n') }))).toBe(42);
  });

  it('gives an empty payload for blank stdin or a terminal', async () => {
    expect(await readPayloadInput(undefined, { stdin: stdin(' \n') })).toHaveLength(0);
    expect(await readPayloadInput(undefined, { stdin: stdin('{', true) })).toHaveLength(0);
  });

  it('refuses stdin over the bound without reading all of it', async () => {
    let served = 0;
    const endless = Object.assign(
      new Readable({
        read() {
          served++;
          this.push(Buffer.alloc(1_024, 0x20));
        },
      }),
      { isTTY: false },
    );
    await expect(readPayloadInput(undefined, { stdin: endless, maxBytes: 10_000 })).rejects.toThrow(
      new UsageError('stdin holds more than 10000 bytes; a message must be smaller'),
    );
    expect(served).toBeLessThan(20);
  });
});
