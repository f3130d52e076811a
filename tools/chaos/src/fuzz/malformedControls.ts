import { encodeControl } from '@ballast/protocol';
import { rng } from '../harness/seededTicks.js';
import {
  anythingPool,
  hugeString,
  int,
  nested,
  nonFinite,
  packr,
  pick,
  randomBytes,
  tryPack,
} from './fuzzPrimitives.js';
import { commonDamage, type MalformedMessage, malformedMessages } from './malformedMessages.js';

/** Kinds of damage done to control messages. */
const controlCategories = [...commonDamage, 'wrong command for subject'] as const;

/**
 * The control subjects fuzzed, and who listens on each (every worker, or the sink).
 *
 * @example
 * controlTargets.filter((t) => t.listener === 'worker').map((t) => t.subject);
 */
export const controlTargets = [
  { subject: 'ctl.reload', listener: 'worker' },
  { subject: 'ctl.inspect', listener: 'worker' },
  { subject: 'ctl.breaker.candleSink', listener: 'worker' },
  { subject: 'ctl.sink.set', listener: 'sink' },
] as const;

/**
 * Malformed control messages for {@link controlTargets}, seeded, each refused by `accept`'s
 * judgement (a valid command by chance — which would reset a breaker or take the sink down —
 * is drawn again).
 *
 * @example
 * for (const m of malformedControls({ seed: 2, count: 100, accept })) nc.publish(m.subject, m.payload);
 */
export function* malformedControls(options: {
  readonly seed: number;
  readonly count: number;
  readonly accept: (subject: string, payload: Uint8Array) => boolean;
}): Generator<MalformedMessage> {
  const random = rng(options.seed);
  const pool = anythingPool(options.seed + 1);
  const commands = [
    { v: 1, type: 'reload', reason: 'fuzz', at: Date.UTC(2026, 0, 5) },
    { v: 1, type: 'inspect', enabled: true, actorKind: 'symbolCache', at: Date.UTC(2026, 0, 5) },
    { v: 1, type: 'breaker', action: 'isolate', name: 'candleSink', at: Date.UTC(2026, 0, 5) },
    { v: 1, type: 'instrument', action: 'remove', symbol: 'S0000', at: Date.UTC(2026, 0, 5) },
    { down: true },
    { failRate: 1 },
  ] as const;
  const damaged = (
    category: (typeof controlCategories)[number],
    fields: Record<string, unknown>,
  ): Uint8Array | null => {
    const keys = Object.keys(fields);
    switch (category) {
      case 'random bytes': {
        const bytes = randomBytes(random, 200);
        return bytes.length === 0 ? null : bytes; // an empty ctl.sink.set only reads: valid
      }
      case 'truncated msgpack': {
        const whole = packr.pack(fields);
        return whole.subarray(0, int(random, 1, whole.length - 1));
      }
      case 'wrong types':
        fields[pick(random, keys)] = pick(random, pool);
        return tryPack(fields);
      case 'NaN/Infinity':
        fields[pick(random, [...keys, 'at', 'failRate', 'latencyMs'])] = pick(random, nonFinite);
        return tryPack(fields);
      case 'huge strings':
        fields[pick(random, keys)] = hugeString(random);
        return tryPack(fields);
      case 'deep nesting':
        return nested(int(random, 1_000, 20_000), random() < 0.5);
      case 'wrong command for subject':
        return 'type' in fields ? encodeControl(fields as never) : tryPack(fields);
    }
  };
  yield* malformedMessages({
    random,
    count: options.count,
    categories: controlCategories,
    damage: (category) => {
      const { subject } = pick(random, controlTargets);
      return { subject, payload: damaged(category, { ...pick(random, commands) }) };
    },
    accept: options.accept,
  });
}
