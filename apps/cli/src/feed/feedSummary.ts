import type { TickPublisherCounters } from '@ballast/runtime';
import type { CsvTickStats } from './csvTicks.js';

/** Why a feed stopped. */
export type FeedStop = 'count' | 'duration' | 'signal' | 'end of input';

/** What `ballast feed` did; printed at the end (`--json-stats`: as JSON on stdout). */
export interface FeedSummary {
  readonly mode: 'simulate' | 'csv';
  /** The feed name; ticks carry sources `<feed>-p<NN>`. */
  readonly feed: string;
  readonly stoppedBy: FeedStop;
  readonly elapsedMs: number;
  /** Ticks handed to the publisher. */
  readonly sent: number;
  /** Acked by the stream as new messages. */
  readonly published: number;
  /** Acked as duplicates of a message already stored (same `<source>:<seq>`). */
  readonly duplicates: number;
  readonly retries: number;
  /** Given up on after retrying: not in the stream. */
  readonly failed: number;
  /** Refused by the publisher before sending (invalid tick). */
  readonly rejected: number;
  /** Sends still unacked when the wait was cut short by a second Ctrl-C. */
  readonly abandoned: number;
  /** published per second of `elapsedMs`. */
  readonly ratePerSecond: number;
  /** Ticks the rate schedule called for but the feed, held back by the server, skipped. */
  readonly behindSchedule: number;
  /** Simulated options that expired (stopped ticking) during the run. */
  readonly expired: number;
  /** Where sequence numbers started: partitions that continued the last run, and from the clock. */
  readonly startSeq: { resumed: number; fromClock: number; unreadable?: string };
  /** Permission violations the server reported on the connection. */
  readonly permissionErrors: number;
  readonly csv?: CsvTickStats;
}

/**
 * The periodic stats line (stderr, every 5 s).
 *
 * @param sinceMs - time since the previous line, for the rate
 * @example
 * statsLine('sim', 25_012, counters, 5_000, 5_000);
 * // 'feed sim: 25,012 sent, 25,000 published (1,000/s), 12 in flight, 0 retries, 0 failed'
 */
export function statsLine(
  feed: string,
  sent: number,
  counters: Readonly<TickPublisherCounters>,
  publishedSince: number,
  sinceMs: number,
  extra: { behindSchedule?: number; csvBad?: number } = {},
): string {
  const rate = sinceMs > 0 ? Math.round((publishedSince * 1_000) / sinceMs) : 0;
  let line =
    `feed ${feed}: ${n(sent)} sent, ${n(counters.published)} published (${n(rate)}/s), ` +
    `${n(counters.inFlight)} in flight, ${n(counters.retries)} retries, ${n(counters.failed)} failed`;
  if (counters.duplicates > 0) line += `, ${n(counters.duplicates)} duplicates`;
  if ((extra.behindSchedule ?? 0) > 0) line += `, ${n(extra.behindSchedule ?? 0)} behind schedule`;
  if ((extra.csvBad ?? 0) > 0) line += `, ${n(extra.csvBad ?? 0)} bad CSV rows`;
  return line;
}

/**
 * The final summary for people (stderr): totals, then the CSV's bad rows (the first 10 with
 * line and reason) and anything that needs attention.
 *
 * @example
 * process.stderr.write(`${summaryText(summary)}\n`);
 */
export function summaryText(summary: FeedSummary): string {
  const s = summary;
  const lines = [
    `feed ${s.feed} (${s.mode}) stopped by ${s.stoppedBy} after ${(s.elapsedMs / 1_000).toFixed(1)} s: ` +
      `${n(s.sent)} sent, ${n(s.published)} published (${n(Math.round(s.ratePerSecond))}/s), ` +
      `${n(s.duplicates)} duplicates, ${n(s.retries)} retries, ${n(s.failed)} failed, ${n(s.rejected)} rejected`,
  ];
  if (s.abandoned > 0) lines.push(`  ${n(s.abandoned)} sends abandoned unacked (second Ctrl-C)`);
  if (s.behindSchedule > 0) {
    lines.push(
      `  ${n(s.behindSchedule)} ticks behind schedule were skipped: the server acked slower than --rate`,
    );
  }
  if (s.expired > 0)
    lines.push(`  ${n(s.expired)} options were past their expiry and stopped ticking`);
  lines.push(
    `  sourceSeq: ${s.startSeq.resumed} partitions continued the last run, ${s.startSeq.fromClock} started from the clock` +
      (s.startSeq.unreadable === undefined
        ? ''
        : ` (tick log not readable: ${s.startSeq.unreadable})`),
  );
  if (s.permissionErrors > 0) lines.push(`  ${n(s.permissionErrors)} permission errors`);
  const csv = s.csv;
  if (csv !== undefined) {
    lines.push(`  csv: ${n(csv.rows)} rows, ${n(csv.good)} good, ${n(csv.bad)} bad`);
    if (csv.ignoredColumns.length > 0) {
      lines.push(`  csv: ignored columns ${csv.ignoredColumns.join(', ')}`);
    }
    if (csv.bad > 0) {
      const byProblem = Object.entries(csv.badByProblem)
        .filter(([, count]) => count > 0)
        .map(([problem, count]) => `${problem} ${n(count)}`)
        .join(', ');
      lines.push(`  csv bad rows by column: ${byProblem}`);
      for (const row of csv.firstBad) lines.push(`    line ${row.line}: ${row.reason}`);
      if (csv.bad > csv.firstBad.length) {
        lines.push(`    ... and ${n(csv.bad - csv.firstBad.length)} more`);
      }
    }
  }
  return lines.join('\n');
}

function n(value: number): string {
  return value.toLocaleString('en-US');
}
