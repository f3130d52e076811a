import { Readable } from 'node:stream';
import type { TickFields } from '@ballast/runtime';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../cli/CliError.js';
import { type CsvTickStats, csvTickStats, csvTicks, maxBadRowsKept } from './csvTicks.js';
import { parseCsvTimestamp } from './csvTimestamp.js';

async function read(text: string): Promise<{ ticks: TickFields[]; stats: CsvTickStats }> {
  const stats = csvTickStats();
  const ticks: TickFields[] = [];
  for await (const tick of csvTicks(Readable.from([text]), stats)) ticks.push(tick);
  return { ticks, stats };
}

describe('csvTicks', () => {
  it('reads good rows in any column order, with ISO or epoch ts and optional openInterest', async () => {
    const { ticks, stats } = await read(
      [
        'symbol,ts,price,size,openInterest,exchange',
        'AAPL,2024-03-01T14:30:00.125Z,187.25,100,,XNAS',
        'AAPL-20241220-C190,1709303400126,4.1,3,1200,OPRA',
        '"BRK-B",2024-03-01 09:30:00.5-05:00,410.5,0,,XNYS',
        '',
        'BTC-USD, 2024-03-01T14:30:01+01:00 ,61000.5,0.0125,,CB',
      ].join('\r\n'),
    );
    expect(ticks).toEqual([
      { symbol: 'AAPL', ts: 1709303400125, price: 187.25, size: 100 },
      { symbol: 'AAPL-20241220-C190', ts: 1709303400126, price: 4.1, size: 3, openInterest: 1200 },
      { symbol: 'BRK-B', ts: Date.UTC(2024, 2, 1, 14, 30, 0, 500), price: 410.5, size: 0 },
      { symbol: 'BTC-USD', ts: Date.UTC(2024, 2, 1, 13, 30, 1), price: 61000.5, size: 0.0125 },
    ]);
    expect(stats).toMatchObject({ rows: 4, good: 4, bad: 0, ignoredColumns: ['exchange'] });
  });

  it('skips bad rows and counts each with its line number and reason', async () => {
    const { ticks, stats } = await read(
      [
        'ts,symbol,price,size,openInterest', // line 1
        '2024-03-01T14:30:00Z,AAPL,187.25,100,', // 2 good
        '2024-03-01T14:30:00,AAPL,187.25,100,', // 3 no zone
        '1709303400,AAPL,187.25,100,', // 4 epoch seconds
        '2024-02-30T14:30:00Z,AAPL,1,1,', // 5 no such day
        '2024-03-01T14:30:00Z,BRK.B,410,1,', // 6 '.' in symbol
        '2024-03-01T14:30:00Z,AAPL,0,1,', // 7 price 0
        '2024-03-01T14:30:00Z,AAPL,abc,1,', // 8 price not a number
        '2024-03-01T14:30:00Z,AAPL,1,-5,', // 9 negative size
        '2024-03-01T14:30:00Z,AAPL,1,1,-1', // 10 negative openInterest
        '2024-03-01T14:30:00Z,AAPL,1,1', // 11 missing field
        '2024-03-01T14:30:00Z,AAPL,1,0x10,', // 12 hex size
        '2024-03-01T14:30:01Z,MSFT,410.1,5,', // 13 good
      ].join('\n'),
    );
    expect(ticks.map((t) => t.symbol)).toEqual(['AAPL', 'MSFT']);
    expect(stats.rows).toBe(12);
    expect(stats.good).toBe(2);
    expect(stats.bad).toBe(10);
    expect(stats.badByProblem).toEqual({
      parse: 0,
      fields: 1,
      ts: 3,
      symbol: 1,
      price: 2,
      size: 2,
      openInterest: 1,
    });
    expect(stats.firstBad.map((b) => [b.line, b.problem])).toEqual([
      [3, 'ts'],
      [4, 'ts'],
      [5, 'ts'],
      [6, 'symbol'],
      [7, 'price'],
      [8, 'price'],
      [9, 'size'],
      [10, 'openInterest'],
      [11, 'fields'],
      [12, 'size'],
    ]);
    const reasons = stats.firstBad.map((b) => b.reason);
    expect(reasons[0]).toMatch(/no time zone/);
    expect(reasons[1]).toMatch(/epoch seconds/);
    expect(reasons[2]).toMatch(/calendar date/);
    expect(reasons[3]).toMatch(/'\.'/);
    expect(reasons[8]).toMatch(/4 fields, the header has 5/);
  });

  it('keeps the first 10 bad rows and counts the rest; unreadable CSV is a bad row too', async () => {
    const lines = ['ts,symbol,price,size'];
    for (let i = 0; i < 25; i++) lines.push(`2024-03-01T14:30:00Z,AAPL,-1,1`);
    lines.push('2024-03-01T14:30:00Z,"AAPL,1,1'); // unclosed quote
    const { ticks, stats } = await read(lines.join('\n'));
    expect(ticks).toHaveLength(0);
    expect(stats.bad).toBe(26);
    expect(stats.firstBad).toHaveLength(maxBadRowsKept);
    expect(stats.firstBad[0]?.line).toBe(2);
    expect(stats.badByProblem.price).toBe(25);
    expect(stats.badByProblem.parse).toBe(1);
  });

  it('reports a malformed quote with its line and goes on with the next row', async () => {
    const { ticks, stats } = await read(
      [
        'ts,symbol,price,size',
        '2024-03-01T14:30:00Z,AAPL,1,1',
        '2024-03-01T14:30:00Z,"AA"PL,1,1',
        '2024-03-01T14:30:00Z,MSFT,1,1',
      ].join('\n'),
    );
    expect(ticks.map((t) => t.symbol)).toEqual(['AAPL', 'MSFT']);
    expect(stats.firstBad).toEqual([
      { line: 3, problem: 'parse', reason: expect.stringMatching(/quote/i) },
    ]);
  });

  it('counts a line longer than 64 KiB as one bad row', async () => {
    const { ticks, stats } = await read(
      `ts,symbol,price,size\n1709303400000,${'A'.repeat(70_000)},1,1\n1709303400001,MSFT,1,1\n`,
    );
    expect(ticks.map((t) => t.symbol)).toEqual(['MSFT']);
    expect(stats.firstBad).toEqual([
      { line: 2, problem: 'parse', reason: expect.stringMatching(/longer than/) },
    ]);
  });

  it('refuses a header without the required columns or with one twice', async () => {
    await expect(read('2024-03-01T14:30:00Z,AAPL,1,1\n')).rejects.toThrow(UsageError);
    await expect(read('ts,symbol,price\n')).rejects.toThrow(/missing size/);
    await expect(read('ts,symbol,price,size,Price\n')).rejects.toThrow(/"price" twice/);
    expect((await read('')).stats.rows).toBe(0);
  });

  it('stops reading when the consumer stops early, closing the source', async () => {
    const text = [
      'ts,symbol,price,size',
      ...Array.from({ length: 1_000 }, (_, i) => `${1709303400000 + i},AAPL,1,1`),
    ];
    const source = Readable.from([text.join('\n')]);
    const stats = csvTickStats();
    let n = 0;
    for await (const _ of csvTicks(source, stats)) if (++n === 5) break;
    expect(n).toBe(5);
    expect(source.destroyed).toBe(true);
  });
});

describe('parseCsvTimestamp', () => {
  it('reads ISO-8601 with a zone and epoch ms, and says why anything else is not a ts', () => {
    expect(parseCsvTimestamp('2024-03-01T14:30:00.123456Z')).toBe(
      Date.UTC(2024, 2, 1, 14, 30, 0, 123),
    );
    expect(parseCsvTimestamp('2024-03-01T14:30Z')).toBe(Date.UTC(2024, 2, 1, 14, 30));
    expect(parseCsvTimestamp('2024-03-01T14:30:00+0530')).toBe(Date.UTC(2024, 2, 1, 9, 0));
    expect(parseCsvTimestamp('1709303400125')).toBe(1709303400125);
    expect(parseCsvTimestamp('2024-03-01')).toMatch(/neither/);
    expect(parseCsvTimestamp('1709303400125.5')).toMatch(/neither/);
    expect(parseCsvTimestamp('2024-13-01T00:00:00Z')).toMatch(/calendar/);
    expect(parseCsvTimestamp('2024-03-01T24:00:00Z')).toMatch(/time of day/);
  });
});
