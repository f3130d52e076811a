import type { Random } from './fuzzPrimitives.js';

/** One malformed message: where it goes, what it carries, which kind of damage it is. */
export interface MalformedMessage {
  readonly category: string;
  readonly subject: string;
  readonly payload: Uint8Array;
}

/**
 * The kinds of damage any MessagePack message can take, whatever its schema: the bytes, the
 * encoding, and the field values. Each fuzzer adds the kinds its own messages can take.
 *
 * @example
 * const tickCategories = [...commonDamage, 'invalid symbols'] as const;
 */
export const commonDamage = [
  'random bytes',
  'truncated msgpack',
  'wrong types',
  'NaN/Infinity',
  'huge strings',
  'deep nesting',
] as const;

/** Options of {@link malformedMessages}. */
export interface MalformedMessagesOptions<TCategory extends string> {
  /** The fuzzer's seeded source: categories and damage draw from it in turn. */
  readonly random: Random;
  readonly count: number;
  readonly categories: readonly TCategory[];
  /**
   * Makes one message with damage of `category`; a `null` payload when this draw could not make
   * one (e.g. msgpack cannot hold the value drawn).
   */
  readonly damage: (category: TCategory) => {
    readonly subject: string;
    readonly payload: Uint8Array | null;
  };
  /** Whether the listener would act on a message (a valid one by chance); it is drawn again. */
  readonly accept: (subject: string, payload: Uint8Array) => boolean;
}

// Below nats-server's 1 MB max_payload: a bigger message would be refused by the server, and
// the check is that the listener refuses each one.
const maxPayloadBytes = 900_000;

/**
 * Draws a category, then a message with that damage, until `count` messages are made that the
 * listener must refuse: a draw that made nothing, one too big to publish, or one `accept`s is
 * drawn again. The same seed gives the same messages.
 *
 * @example
 * yield* malformedMessages({ random, count, categories, damage, accept });
 */
export function* malformedMessages<TCategory extends string>(
  options: MalformedMessagesOptions<TCategory>,
): Generator<MalformedMessage> {
  for (let n = 0; n < options.count; ) {
    const category = pickCategory(options.random, options.categories);
    const { subject, payload } = options.damage(category);
    if (payload === null || payload.length > maxPayloadBytes) continue;
    if (options.accept(subject, payload)) continue;
    n++;
    yield { category, subject, payload };
  }
}

/**
 * Draws a category; `huge strings` only 1 time in 30 (the others evenly), so 100,000 messages
 * put a few hundred MB, not gigabytes, into the log.
 */
function pickCategory<T extends string>(random: Random, categories: readonly T[]): T {
  if (random() < 1 / 30) return 'huge strings' as T;
  const rest = categories.filter((c) => c !== 'huge strings');
  return rest[Math.floor(random() * rest.length)] as T;
}
