import { describe, expect, it } from 'vitest';
import { type CsvLine, csvLines } from './csvLines.js';

async function lines(chunks: (string | Buffer)[], max = 100): Promise<CsvLine[]> {
  const out: CsvLine[] = [];
  for await (const line of csvLines(chunks, max)) out.push(line);
  return out;
}

describe('csvLines', () => {
  it('splits on LF and CRLF across chunk boundaries, numbering lines and dropping a BOM', async () => {
    const bytes = Buffer.from('\uFEFFa,b\r\n1,€\n\n2,x', 'utf8');
    // Split inside the CRLF and inside the 3-byte '€'.
    const chunks = [bytes.subarray(0, 7), bytes.subarray(7, 12), bytes.subarray(12)];
    expect((await lines(chunks)).map((l) => [l.number, l.text])).toEqual([
      [1, 'a,b'],
      [2, '1,€'],
      [3, ''],
      [4, '2,x'],
    ]);
  });

  it('reports an overlong line without holding it, then goes on', async () => {
    const result = await lines(
      ['short\n', 'x'.repeat(60), 'y'.repeat(60), '\nnext\n', 'z'.repeat(150)],
      100,
    );
    expect(result).toEqual([
      { number: 1, text: 'short', overlong: false },
      { number: 2, text: '', overlong: true },
      { number: 3, text: 'next', overlong: false },
      { number: 4, text: '', overlong: true },
    ]);
  });
});
