// Hostile input can carry megabyte strings or huge maps; an error message shows at most
// this many characters of a value so that reporting a bad value stays cheap and bounded.
const shownChars = 80;

/**
 * A short, bounded, printable description of any value for an error message:
 * strings quoted with control characters escaped, numbers as written, others by kind.
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > shownChars ? `${value.slice(0, shownChars)}…` : value);
    case 'number':
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'undefined':
      return 'undefined';
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return `an array of ${value.length}`;
      if (value instanceof Uint8Array) return `${value.length} bytes`;
      if (Object.getPrototypeOf(value) === Object.prototype) return 'a map';
      return `a ${value.constructor?.name ?? 'object'}`;
    default:
      return `a ${typeof value}`;
  }
}

/** ` (subject "…")` for an error message when the subject is known, else nothing. */
export function inSubject(subject: string | undefined): string {
  return subject === undefined ? '' : ` (subject ${describeValue(subject)})`;
}
