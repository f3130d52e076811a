/** The part of a state the verification compares: what the digest covers, and where it is. */
export interface FoldPosition {
  readonly digest: string;
  readonly lastAppliedSeq: number;
}

/** The result of {@link compareFold}. */
export interface FoldComparison {
  readonly ok: boolean;
  /** One line for people: `verified: ...` or `MISMATCH: ...`. */
  readonly message: string;
  readonly live: FoldPosition;
  readonly replayed: FoldPosition;
}

/**
 * Compares the state folded from the log with the live actor's. Equal digests at equal
 * `lastAppliedSeq` mean equal books (the digest covers every candle, the open interest, the
 * quote and the sequence); a different sequence is named first, since it explains a different
 * digest (the log was read to another point).
 *
 * @example
 * compareFold({ digest: 'ab12…', lastAppliedSeq: 420 }, { digest: 'ab12…', lastAppliedSeq: 420 }, 'AAPL').ok; // true
 */
export function compareFold(
  live: FoldPosition,
  replayed: FoldPosition,
  symbol: string,
): FoldComparison {
  if (live.lastAppliedSeq !== replayed.lastAppliedSeq) {
    return {
      ok: false,
      live,
      replayed,
      message: `MISMATCH: ${symbol}'s live actor has applied up to seq ${live.lastAppliedSeq}, the replay up to seq ${replayed.lastAppliedSeq} (digests ${live.digest} live, ${replayed.digest} replayed)`,
    };
  }
  if (live.digest !== replayed.digest) {
    return {
      ok: false,
      live,
      replayed,
      message: `MISMATCH: ${symbol}'s replayed digest ${replayed.digest} differs from the live actor's ${live.digest} at seq ${live.lastAppliedSeq}`,
    };
  }
  return {
    ok: true,
    live,
    replayed,
    message: `verified: digest ${replayed.digest} equals the live actor's (${symbol} at seq ${live.lastAppliedSeq})`,
  };
}
