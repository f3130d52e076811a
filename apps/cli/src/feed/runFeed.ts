import { createReadStream } from 'node:fs';
import { ProtocolError } from '@ballast/protocol';
import {
  createLogger,
  type TickFields,
  TickPublishError,
  TickPublisher,
  topologyNames,
} from '@ballast/runtime';
import { type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { CliError } from '../cli/CliError.js';
import type { CliConfig } from '../config/cliConfig.js';
import { connectCli } from '../nats/connectCli.js';
import { type CsvTickStats, csvTickStats, csvTicks } from './csvTicks.js';
import { type FeedStop, type FeedSummary, statsLine, summaryText } from './feedSummary.js';
import { instrumentUniverse } from './instrumentUniverse.js';
import { MarketSimulator } from './MarketSimulator.js';
import { pacedReplay } from './pacedReplay.js';
import { pacedSimulation } from './pacedSimulation.js';
import { type BurstSchedule, RatePacer } from './RatePacer.js';
import { sourceSeqStart } from './sourceSeqStart.js';

/** What to feed: a simulated market, or a CSV replay. */
export type FeedInput =
  | {
      readonly kind: 'simulate';
      readonly symbols: number;
      readonly seed: number;
      readonly rate: number;
      readonly burst?: BurstSchedule | undefined;
    }
  | { readonly kind: 'csv'; readonly file: string; readonly speed: number };

/** Options of {@link runFeed}. */
export interface RunFeedOptions {
  readonly config: CliConfig;
  readonly input: FeedInput;
  /** The feed name (sources `<feed>-p<NN>`). */
  readonly feed: string;
  /** Stop after this many ticks sent. */
  readonly count?: number | undefined;
  /** Stop after this many ms. */
  readonly durationMs?: number | undefined;
  /** Print the summary as JSON on stdout. */
  readonly jsonStats?: boolean;
  /** Period of the stats line on stderr. Default 5 s. */
  readonly statsEveryMs?: number;
}

/**
 * Runs `ballast feed`: connects as the `feed` role, checks the `TICKS` stream, picks the
 * sequence start, publishes until the count, the duration, the end of the CSV or SIGINT, and
 * prints a stats line every 5 s and a summary. The first SIGINT/SIGTERM stops sending and
 * waits for the acks of ticks in flight; a second one stops waiting.
 *
 * @throws {CliError} unreachable server, missing stream, unreadable file, or ticks that could
 *   not be stored (after the summary is printed)
 * @example
 * await runFeed({ config, feed: 'sim', input: { kind: 'simulate', symbols: 500, seed: 1, rate: 1_000 } });
 */
export async function runFeed(options: RunFeedOptions): Promise<FeedSummary> {
  const { config, input, feed } = options;
  const err = (line: string) => process.stderr.write(`${line}\n`);
  const stop = new AbortController();
  const abandon = new AbortController();
  let stoppedBy: FeedStop = 'end of input';
  const stopWith = (reason: FeedStop) => {
    if (stop.signal.aborted) return;
    stoppedBy = reason;
    stop.abort();
  };
  const onSignal = () => {
    if (!stop.signal.aborted) {
      stopWith('signal');
      err(
        'ballast feed: stopping; waiting for the acks of ticks in flight (Ctrl-C again to stop waiting)',
      );
    } else {
      abandon.abort();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const { nc, permissions } = await connectCli(config, {
    role: 'feed',
    name: `ballast feed ${feed}`,
    longRunning: true,
  }).catch((error) => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    throw error;
  });
  let durationTimer: NodeJS.Timeout | undefined;
  let statsTimer: NodeJS.Timeout | undefined;
  try {
    const jsm = await jetstreamManager(nc).catch((error: unknown) => {
      throw new CliError(
        `JetStream is not available on the server: ${(error as Error).message}`,
        1,
        {
          cause: error,
        },
      );
    });
    await assertTickStream(jsm);
    const start = await sourceSeqStart({ jsm, partitions: config.partitions, feed });
    const publisher = new TickPublisher({
      js: jetstream(nc),
      partitions: config.partitions,
      feed,
      startSeq: start.startSeqs,
      log: createLogger('ballast-feed', process.env.BALLAST_LOG_LEVEL ?? 'warn'),
    });
    const began = performance.now();
    if (options.durationMs !== undefined) {
      durationTimer = setTimeout(() => stopWith('duration'), options.durationMs);
      durationTimer.unref();
    }
    const source = tickSource(input, stop.signal);
    let sent = 0;
    let lastPublished = 0;
    let lastLineAt = began;
    statsTimer = setInterval(() => {
      const at = performance.now();
      const published = publisher.counters.published;
      err(
        statsLine(feed, sent, publisher.counters, published - lastPublished, at - lastLineAt, {
          behindSchedule: source.pacer?.counters.skipped ?? 0,
          csvBad: source.csv?.bad ?? 0,
        }),
      );
      lastPublished = published;
      lastLineAt = at;
    }, options.statsEveryMs ?? 5_000);
    statsTimer.unref();

    try {
      for await (const fields of source.ticks) {
        try {
          await publisher.publishNext(fields);
        } catch (error) {
          // Counted by the publisher as rejected; the feed goes on with the next tick.
          if (error instanceof ProtocolError) continue;
          throw error;
        }
        sent++;
        if (options.count !== undefined && sent >= options.count) {
          stopWith('count');
          break;
        }
      }
    } catch (error) {
      if (error instanceof CliError) throw error;
      if (input.kind === 'csv') {
        throw new CliError(`cannot read ${input.file}: ${(error as Error).message}`, 1, {
          cause: error,
        });
      }
      throw error;
    }
    clearTimeout(durationTimer);
    const closing = publisher.close().then(
      () => undefined,
      (error: unknown) => error,
    );
    const abandoned = new Promise<'abandoned'>((resolve) =>
      abandon.signal.addEventListener('abort', () => resolve('abandoned'), { once: true }),
    );
    const closed = await Promise.race([closing, abandoned]);
    const counters = publisher.counters;
    const elapsedMs = performance.now() - began;
    const summary: FeedSummary = {
      mode: input.kind,
      feed,
      stoppedBy,
      elapsedMs: Math.round(elapsedMs),
      sent,
      published: counters.published,
      duplicates: counters.duplicates,
      retries: counters.retries,
      failed: counters.failed,
      rejected: counters.rejected,
      abandoned: closed === 'abandoned' ? counters.inFlight : 0,
      ratePerSecond: elapsedMs > 0 ? (counters.published * 1_000) / elapsedMs : 0,
      behindSchedule: source.pacer?.counters.skipped ?? 0,
      expired: source.simulator?.counters.expired ?? 0,
      startSeq: {
        resumed: start.resumed,
        fromClock: start.fromClock,
        ...(start.unreadable !== undefined && { unreadable: start.unreadable }),
      },
      permissionErrors: permissions.count,
      ...(source.csv !== undefined && { csv: source.csv }),
    };
    err(summaryText(summary));
    if (options.jsonStats) process.stdout.write(`${JSON.stringify(summary)}\n`);
    if (closed instanceof TickPublishError || summary.failed > 0) {
      throw new CliError(
        `${summary.failed} ticks could not be stored in ${topologyNames.ticks}` +
          (closed instanceof Error
            ? ` (first: ${closed.cause instanceof Error ? closed.cause.message : closed.message})`
            : '') +
          '; check the server and the stream limits',
      );
    }
    if (closed instanceof Error) throw closed;
    return summary;
  } finally {
    clearTimeout(durationTimer);
    clearInterval(statsTimer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (abandon.signal.aborted) await nc.close();
    else await nc.drain().catch(() => nc.close());
  }
}

interface TickSource {
  readonly ticks: AsyncIterable<TickFields>;
  readonly pacer?: RatePacer;
  readonly simulator?: MarketSimulator;
  readonly csv?: CsvTickStats;
}

function tickSource(input: FeedInput, signal: AbortSignal): TickSource {
  if (input.kind === 'csv') {
    const csv = csvTickStats();
    const file = createReadStream(input.file);
    return { ticks: pacedReplay(csvTicks(file, csv), { speed: input.speed, signal }), csv };
  }
  const instruments = instrumentUniverse({
    count: input.symbols,
    seed: input.seed,
    now: Date.now(),
  });
  const simulator = new MarketSimulator({ instruments, seed: input.seed });
  const pacer = new RatePacer({ rate: input.rate, burst: input.burst });
  return { ticks: pacedSimulation({ simulator, pacer, signal }), pacer, simulator };
}

async function assertTickStream(jsm: JetStreamManager): Promise<void> {
  try {
    await jsm.streams.info(topologyNames.ticks);
  } catch (error) {
    const message = (error as Error).message;
    if (/stream not found/i.test(message)) {
      throw new CliError(
        `the ${topologyNames.ticks} stream does not exist: start the cluster with \`ballast up\` first`,
        1,
        { cause: error },
      );
    }
    throw new CliError(`cannot read the ${topologyNames.ticks} stream: ${message}`, 1, {
      cause: error,
    });
  }
}
