import { symbolCache } from '@ballast/machines';
import { decodePlain } from '@ballast/protocol';
import type { Msg } from '@nats-io/nats-core';
import { type Actor, createActor, SimulatedClock } from 'xstate';

/** Test doubles for the inspection relay: a NATS stand-in that records what is published. */
export interface FakeNats {
  readonly published: { subject: string; value: Record<string, unknown> }[];
  /** Delivers bytes to the `ctl.inspect` subscriber, as NATS would. */
  deliver(data: Uint8Array): void;
  /** What the relay needs of a connection. */
  readonly nc: never;
}

/** A fake connection that decodes every publish. */
export function fakeNats(): FakeNats {
  const published: FakeNats['published'] = [];
  let callback: ((error: null, msg: Msg) => void) | undefined;
  const nc = {
    publish(subject: string, data: Uint8Array) {
      published.push({ subject, value: decodePlain(data, { maxBytes: 1 << 20 }) as never });
    },
    subscribe(_subject: string, options: { callback: (error: null, msg: Msg) => void }) {
      callback = options.callback;
      return { unsubscribe: () => {} };
    },
  };
  return {
    published,
    nc: nc as never,
    deliver(data) {
      callback?.(null, { subject: 'ctl.inspect', data } as Msg);
    },
  };
}

/** A symbolCache actor on a simulated clock, not started. */
export function symbolActor(symbol: string): {
  actor: Actor<typeof symbolCache>;
  clock: SimulatedClock;
} {
  const clock = new SimulatedClock();
  clock.set(Date.UTC(2026, 0, 5, 14, 30));
  const actor = createActor(symbolCache, { clock, input: { symbol, housekeepingMs: 1_000 } });
  return { actor, clock };
}

/** A live TICK event for `symbol` with log sequence `seq`. */
export function tickEvent(symbol: string, seq: number) {
  return {
    type: 'TICK',
    seq,
    tick: {
      v: 1,
      symbol,
      price: 100 + seq / 100,
      size: 1,
      ts: Date.UTC(2026, 0, 5, 14, 30) + seq * 1_000,
      source: 'test',
      sourceSeq: seq,
    },
  } as const;
}
