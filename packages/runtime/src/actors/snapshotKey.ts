// KV keys allow [-/_=.a-zA-Z0-9]; symbol tokens may hold any printable byte except '.', '*',
// '>' and whitespace. Plain symbols keep readable keys; the rest are hex-encoded under their
// own prefix, so the two forms never collide.
const plainSymbol = /^[-_=a-zA-Z0-9]+$/;

/**
 * The `snapshots` bucket key of a symbol's snapshot: `symbol.<SYMBOL>`, or
 * `symbolx.<utf-8 hex>` when the symbol holds characters KV keys refuse.
 *
 * @example
 * snapshotKey('AAPL'); // 'symbol.AAPL'
 * snapshotKey('BRK/B:US'); // 'symbolx.42524b2f423a5553'
 */
export function snapshotKey(symbol: string): string {
  if (plainSymbol.test(symbol)) return `symbol.${symbol}`;
  return `symbolx.${Buffer.from(symbol, 'utf8').toString('hex')}`;
}

/**
 * The `snapshots` bucket key of a partition's checkpoint (its acknowledged floor).
 *
 * @example
 * checkpointKey(3); // 'checkpoint.3'
 */
export function checkpointKey(partition: number): string {
  return `checkpoint.${partition}`;
}
