/**
 * Display helpers: bytes, rates, times, ages.
 *
 * @example
 * formatBytes(93_000_000); // '88.7 MB'
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

/** A rate with one decimal below 100, none above. */
export function formatRate(perSecond: number): string {
  return perSecond < 100 ? perSecond.toFixed(1) : Math.round(perSecond).toLocaleString('en-US');
}

/** `14:03:27` in local time. */
export function formatTime(ms: number): string {
  return new Date(ms).toLocaleTimeString('en-GB', { hour12: false });
}

/** `3 s ago`, `2 min ago`. */
export function formatAge(ms: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

/** A stable color per worker: its index among the sorted worker ids. */
const palette = [
  '#4e9af1',
  '#f1a24e',
  '#5ec26a',
  '#d465c9',
  '#e05d5d',
  '#48c1c1',
  '#b0b34a',
  '#8d7cf0',
];

export function workerColor(index: number): string {
  return palette[index % palette.length] ?? '#888';
}
