// Strict on purpose: Date.parse reads "2024-01-02T10:00:00" (no zone) as LOCAL time and rolls
// "2024-02-30" over into March, both silent shifts of a replayed tape.
const isoDateTime =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})$/i;
const epochMs = /^\d{1,16}$/;

/**
 * Parses a CSV `ts`: ISO-8601 date and time with a zone (`Z` or `±hh:mm`; `T` or a space
 * between date and time; fractions beyond milliseconds are truncated) or whole epoch
 * milliseconds.
 *
 * @returns ms since the epoch, or why the text is not a timestamp
 * @example
 * parseCsvTimestamp('2024-03-01T14:30:00.125Z'); // 1709303400125
 * parseCsvTimestamp('1709303400125'); // 1709303400125
 * parseCsvTimestamp('2024-03-01T14:30:00'); // 'has no time zone (add Z or +hh:mm)'
 */
export function parseCsvTimestamp(text: string): number | string {
  if (epochMs.test(text)) return Number(text);
  const match = isoDateTime.exec(text);
  if (match === null) {
    if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) {
      return 'has no time zone (add Z or +hh:mm)';
    }
    return 'is neither ISO-8601 with a zone nor whole epoch milliseconds';
  }
  const [, year, month, day, hour, minute, second = '00', fraction = '', zone] =
    match as unknown as [
      string,
      string,
      string,
      string,
      string,
      string,
      string | undefined,
      string | undefined,
      string,
    ];
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth) return 'is not a calendar date';
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59)
    return 'is not a time of day';
  const ms = fraction.padEnd(3, '0').slice(0, 3);
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  return Date.parse(`${year}-${month}-${day}T${hour}:${minute}:${second}.${ms}${offset}`);
}
