import type { CandleClosedParams } from '@ballast/machines';
import type { DeadLetter } from '@ballast/protocol';

/** Where closed candles go (the candle sink, behind its circuit breaker). Never waits. */
export interface ClosedCandleSink {
  offer(closed: CandleClosedParams): void;
}

/** Where the host reports what it refused or what failed (sys.deadletter, sys.errors). */
export interface HostReporter {
  deadLetter(letter: DeadLetter): void;
  failure(source: string, kind: string, error: unknown, state?: string): void;
}

/** What the host asks about partitions and instruments. */
export interface HostContext {
  /** Whether this worker still owns the partition (checked after every await). */
  owns(partition: number): boolean;
  /** When an instrument expires (ms), `null` for never. */
  expiresAt(symbol: string): number | null;
  /** A symbol actor failed (its error was reported); the supervisor counts and backs off. */
  actorFailed(symbol: string, error: unknown, state: string): void;
}
