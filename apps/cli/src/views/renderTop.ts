import type { TopSample, TopWorkerRow } from '../cluster/queries/topSample.js';
import { formatValues } from './formatValues.js';
import { textTable } from './textTable.js';

/** Options of {@link renderTop}. */
export interface RenderTopOptions {
  /** Recent `sys.errors` / `sys.deadletter` lines shown. Default 5. */
  readonly recentLines?: number;
  /** Longest message shown per recent line. Default 100 characters. */
  readonly messageWidth?: number;
}

const head = [
  'worker',
  'partitions',
  'live',
  'passiv',
  'folded',
  'ticks/s',
  'lag',
  'rss',
  'heap',
  'breakers',
  'sink drops',
  'dead letters',
  'errors',
  'conn',
  'up',
];
const align = [
  'left',
  'left',
  'right',
  'right',
  'right',
  'right',
  'right',
  'right',
  'right',
  'left',
  'right',
  'right',
  'right',
  'left',
  'right',
] as const;

/**
 * One screen of `ballast top`: a title, a row per worker, a totals row, warnings (contested
 * partitions, breakers not closed) and the newest system lines. Pure: the command redraws it
 * in place on a TTY or prints it as a block.
 *
 * @example
 * logUpdate(renderTop(sample));
 */
export function renderTop(sample: TopSample, options: RenderTopOptions = {}): string {
  const { totals } = sample;
  const lines = [
    `ballast top  ${formatValues.time(sample.at)}  ${plural(totals.workers, 'worker')}, ${totals.partitions} partitions owned`,
  ];
  if (sample.workers.length === 0) {
    lines.push('no worker answered on sys.workers (is the cluster running?)');
  } else {
    const rows = sample.workers.map(workerRow);
    rows.push([
      'TOTAL',
      String(totals.partitions),
      formatValues.count(totals.liveActors),
      formatValues.count(totals.passivating),
      formatValues.count(totals.ticksFolded),
      formatValues.rate(totals.ticksPerSec),
      formatValues.count(totals.lag),
      formatValues.bytes(totals.rss),
      formatValues.bytes(totals.heapUsed),
      totals.breakersNotClosed.length === 0
        ? 'all closed'
        : `${totals.breakersNotClosed.length} not closed`,
      formatValues.count(totals.sinkDropped),
      formatValues.count(totals.deadLetters),
      formatValues.count(totals.errors),
      '',
      '',
    ]);
    lines.push(textTable(head, rows, { align, borderless: true }));
  }
  if (totals.contested.length > 0) {
    lines.push(
      `WARNING: partitions claimed by two workers: ${formatValues.partitions(totals.contested)}`,
    );
  }
  if (totals.breakersNotClosed.length > 0) {
    lines.push(`breakers not closed: ${totals.breakersNotClosed.join(', ')}`);
  }
  if (sample.badReplies > 0) {
    lines.push(
      `${plural(sample.badReplies, 'reply', 'replies')} on sys.workers not a worker status`,
    );
  }
  lines.push(recentBlock(sample, options));
  return `${lines.join('\n')}\n`;
}

function workerRow(row: TopWorkerRow): string[] {
  const breakers = Object.entries(row.breakers)
    .map(([name, state]) => `${name}:${formatValues.breaker(state)}`)
    .join(' ');
  return [
    row.worker,
    formatValues.partitions(row.partitions),
    formatValues.count(row.liveActors),
    formatValues.count(row.passivating),
    formatValues.count(row.ticksFolded),
    formatValues.rate(row.ticksPerSec),
    formatValues.count(row.lag),
    formatValues.bytes(row.rss),
    formatValues.bytes(row.heapUsed),
    breakers === '' ? '-' : breakers,
    formatValues.count(row.sinkDropped),
    formatValues.count(row.deadLetters),
    formatValues.count(row.errors),
    row.connection,
    formatValues.duration(row.uptimeMs),
  ];
}

function recentBlock(sample: TopSample, options: RenderTopOptions): string {
  const { seen } = sample;
  const count = options.recentLines ?? 5;
  const width = options.messageWidth ?? 100;
  const title = `recent (seen since start: ${plural(seen.errors, 'error')}, ${plural(seen.deadLetters, 'dead letter')}${
    seen.undecodable > 0 ? `, ${seen.undecodable} unreadable` : ''
  })`;
  const recent = sample.recent.slice(-count);
  if (recent.length === 0) return `${title}: none`;
  const lines = recent.map((line) => {
    const message =
      line.message.length > width ? `${line.message.slice(0, width - 1)}…` : line.message;
    const time = formatValues.time(line.at).slice(11, 19);
    const kind = line.subject === 'sys.errors' ? 'error' : 'dead letter';
    return `  ${time}  ${kind}  ${line.code}  ${line.source}  ${message}`;
  });
  return [`${title}:`, ...lines].join('\n');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
