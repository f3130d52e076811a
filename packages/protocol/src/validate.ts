import { describeValue, inSubject } from './describeValue.js';
import { ProtocolError } from './errors.js';
import { tokenProblem } from './subjectToken.js';

// Hand-written checks rather than a schema library: decodeTick runs once per event, and a
// generic validator (zod and the like) walks a schema object, allocates result and issue
// objects per call and goes through closures per field, too slow for the per-tick path.
// Each check here reads one field, returns it when valid and throws otherwise: no closures,
// no allocation on the success path. Together they cost ~130-170 ns per tick (bench/).

/** The schema version every message carries in `v`. Bumped on any incompatible change. */
export const schemaVersion = 1;

/** Earliest timestamp accepted (2000-01-01T00:00:00Z), in ms since the epoch. */
export const minTimestamp = Date.UTC(2000, 0, 1);
/** First timestamp refused (2100-01-01T00:00:00Z): seconds or microseconds by mistake land outside. */
export const maxTimestamp = Date.UTC(2100, 0, 1);

/** Longest label (ids, kinds, codes), in UTF-16 code units. */
export const maxLabelLength = 256;
/** Longest free text (messages, details, causes, states), in UTF-16 code units. */
export const maxTextLength = 4096;

/** A decoded map, or a caller's object, seen as fields. */
export type Fields = Readonly<Record<string, unknown>>;

/**
 * Refuses anything but a map (a plain object) whose `v` is {@link schemaVersion}. The
 * version is checked first so that a newer message reports "unknown version", not a
 * misleading field error.
 */
export function fieldsOf(
  value: unknown,
  type: string,
  decoding: boolean,
  subject: string | undefined,
): Fields {
  if (
    typeof value !== 'object' ||
    value === null ||
    (decoding ? Object.getPrototypeOf(value) !== Object.prototype : Array.isArray(value))
  ) {
    throw new ProtocolError(
      'schema_violation',
      `${type} must be a MessagePack map; got ${describeValue(value)}${inSubject(subject)}`,
      { subject },
    );
  }
  const fields = value as Fields;
  const v = fields.v;
  if (v !== schemaVersion) {
    const problem =
      v === undefined
        ? 'is missing; every message carries its schema version'
        : `is ${describeValue(v)}, an unknown schema version; this code reads version ${schemaVersion} (upgrade @ballast/protocol to read newer messages)`;
    throw new ProtocolError('schema_violation', `${type}.v ${problem}${inSubject(subject)}`, {
      subject,
      field: 'v',
    });
  }
  return fields;
}

/** A `schema_violation` for one field, naming the rule and the value found. */
export function fieldError(
  type: string,
  field: string,
  value: unknown,
  rule: string,
  subject: string | undefined,
): ProtocolError {
  const problem =
    value === undefined
      ? `is missing; it must be ${rule}`
      : `must be ${rule}; got ${describeValue(value)}`;
  return new ProtocolError('schema_violation', `${type}.${field} ${problem}${inSubject(subject)}`, {
    subject,
    field,
  });
}

/** A finite number > 0 (prices). NaN fails every comparison, so it is refused too. */
export function positive(
  f: Fields,
  key: string,
  type: string,
  subject: string | undefined,
): number {
  const x = f[key];
  if (typeof x === 'number' && x > 0 && x < Number.POSITIVE_INFINITY) return x;
  throw fieldError(type, key, x, 'a finite number > 0', subject);
}

/** A finite number >= 0 (sizes, volumes, open interest). */
export function nonNegative(
  f: Fields,
  key: string,
  type: string,
  subject: string | undefined,
): number {
  const x = f[key];
  if (typeof x === 'number' && x >= 0 && x < Number.POSITIVE_INFINITY) return x;
  throw fieldError(type, key, x, 'a finite number >= 0', subject);
}

/** A non-negative safe integer (sequence numbers, counts). */
export function count(f: Fields, key: string, type: string, subject: string | undefined): number {
  const x = f[key];
  if (Number.isSafeInteger(x) && (x as number) >= 0) return x as number;
  throw fieldError(type, key, x, 'an integer from 0 to 2^53 - 1', subject);
}

/** Whole milliseconds since the epoch, from 2000 up to (not including) 2100. */
export function timestamp(
  f: Fields,
  key: string,
  type: string,
  subject: string | undefined,
): number {
  const x = f[key];
  if (Number.isSafeInteger(x) && (x as number) >= minTimestamp && (x as number) < maxTimestamp) {
    return x as number;
  }
  throw fieldError(
    type,
    key,
    x,
    'whole milliseconds since the epoch, between 2000-01-01 and 2100-01-01',
    subject,
  );
}

/** `true` or `false`. */
export function flag(f: Fields, key: string, type: string, subject: string | undefined): boolean {
  const x = f[key];
  if (typeof x === 'boolean') return x;
  throw fieldError(type, key, x, 'true or false', subject);
}

/** A valid subject token (symbols, sources, names): see `tokenProblem`. */
export function token(f: Fields, key: string, type: string, subject: string | undefined): string {
  const x = f[key];
  const problem = tokenProblem(x);
  if (problem === undefined) return x as string;
  throw fieldError(type, key, x, `a valid subject token, but it ${problem}`, subject);
}

/** One of a fixed set of strings. */
export function oneOf<T extends string>(
  f: Fields,
  key: string,
  allowed: readonly T[],
  type: string,
  subject: string | undefined,
): T {
  const x = f[key];
  if (typeof x === 'string' && (allowed as readonly string[]).includes(x)) return x as T;
  throw fieldError(type, key, x, `one of ${allowed.join(', ')}`, subject);
}

/** A non-empty string of at most {@link maxLabelLength} code units (ids, kinds, codes). */
export function label(
  f: Fields,
  key: string,
  type: string,
  decoding: boolean,
  subject: string | undefined,
): string {
  const x = f[key];
  if (typeof x === 'string' && x.length > 0) {
    if (x.length <= maxLabelLength) return x;
    if (!decoding) return truncate(x, maxLabelLength);
  }
  const rule = `a non-empty string of at most ${maxLabelLength} characters`;
  throw fieldError(type, key, x, rule, subject);
}

/**
 * A string, possibly empty, of at most {@link maxTextLength} code units.
 *
 * Labels and texts that are too long are cut when encoding (never inside a surrogate pair)
 * and refused when decoding: they carry error reports, and a report must not fail for
 * being long.
 */
export function text(
  f: Fields,
  key: string,
  type: string,
  decoding: boolean,
  subject: string | undefined,
): string {
  const x = f[key];
  if (typeof x === 'string') {
    if (x.length <= maxTextLength) return x;
    if (!decoding) return truncate(x, maxTextLength);
  }
  throw fieldError(type, key, x, `a string of at most ${maxTextLength} characters`, subject);
}

function truncate(x: string, max: number): string {
  const last = x.charCodeAt(max - 1);
  return x.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

/** Whether an optional field is absent: missing, or nil (how other languages write "none"). */
export function absent(f: Fields, key: string): boolean {
  const x = f[key];
  return x === undefined || x === null;
}

/**
 * Refuses unknown fields in a decoded map. `present` is how many known fields the map
 * holds. Counting keys is cheap; only a mismatch pays for finding the culprit. Strictness
 * catches a misspelt optional field (`openIntrest`) and bounds what a decoded map can
 * carry; adding a field to a schema therefore means a new schema version.
 */
export function checkFieldCount(
  f: Fields,
  present: number,
  known: readonly string[],
  type: string,
  subject: string | undefined,
): void {
  let n = 0;
  for (const _ in f) n++;
  if (n === present) return;
  for (const key in f) {
    if (!known.includes(key)) {
      throw new ProtocolError(
        'schema_violation',
        `${type} has an unknown field ${describeValue(key)} (${n} fields in all); known fields: ${known.join(', ')}${inSubject(subject)}`,
        { subject, field: key },
      );
    }
    if (f[key] === undefined) {
      throw new ProtocolError(
        'schema_violation',
        `${type}.${key} holds undefined (MessagePack extension type 0), which no schema allows${inSubject(subject)}`,
        { subject, field: key },
      );
    }
  }
  // Unreachable while every field reader refuses undefined; kept so a mismatch never passes.
  throw new ProtocolError(
    'schema_violation',
    `${type} has ${n} fields where ${present} were expected${inSubject(subject)}`,
    { subject },
  );
}
