import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { TickPublisher } from '../../src/ingest/TickPublisher.js';
import { seededTicks, symbols } from './seededFeed.js';

/** What a soak feed publishes. */
export interface SoakFeedOptions {
  readonly ticks: number;
  /** Symbol names `S0000`..: the universe the window slides over. */
  readonly symbols: number;
  /** Each tick picks uniformly among this many consecutive symbols. */
  readonly window: number;
  /** How many times the window's start goes round the universe over the run. */
  readonly sweep: number;
  readonly partitions: number;
  readonly maxInFlight: number;
  readonly seed: number;
}

/** A feed's totals, from its last line. */
export interface SoakFeedResult {
  readonly published: number;
  readonly failed: number;
  readonly retries: number;
  readonly seconds: number;
}

/** A feed publishing in a child process. */
export interface SoakFeed extends AsyncDisposable {
  /** Ticks acked so far (reported every 250 ms). */
  published(): number;
  /** Resolves with the totals once every tick is acked; rejects if the child fails. */
  readonly done: Promise<SoakFeedResult>;
}

/**
 * The symbol tick `i` of `count` goes to: a window of `window` consecutive names whose start
 * moves evenly through the universe (`sweep` times round, wrapping), one pick uniform within
 * it. A window no wider than the live bound keeps a wave's symbols live while it lasts, so
 * hydrations are about the symbols the window reaches, not misses within it.
 */
function slidingWindowPick(
  names: readonly string[],
  count: number,
  window: number,
  sweep: number,
): (i: number, random: () => number) => string {
  return (i, random) => {
    const start = Math.floor((i * names.length * sweep) / count);
    return names[(start + Math.floor(random() * window)) % names.length] as string;
  };
}

/**
 * Publishes a soak feed from a child process, so its publishing runs beside, not inside, the
 * worker whose heap a test measures: in one process it took about a third of the thread
 * (nats.js creates two Error objects per request) and starved the fold. The stream must
 * exist (start the worker first).
 */
export function startSoakFeed(server: string, options: SoakFeedOptions): SoakFeed {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), server, JSON.stringify(options)],
    // tsx resolves from the package root, wherever vitest was started.
    {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let published = 0;
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err = (err + chunk).slice(-10_000);
  });
  const done = new Promise<SoakFeedResult>((resolve, reject) => {
    let result: SoakFeedResult | undefined;
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const report = JSON.parse(line) as { published: number; done?: SoakFeedResult };
      published = report.published;
      if (report.done) result = report.done;
    });
    child.once('exit', (code, signal) => {
      if (code === 0 && result !== undefined) resolve(result);
      else reject(new Error(`soak feed exited with ${code ?? signal}:\n${err}`));
    });
  });
  done.catch(() => {}); // observed by the caller; never an unhandled rejection
  return {
    published: () => published,
    done,
    [Symbol.asyncDispose]: () => stopChild(child),
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

async function main(server: string, o: SoakFeedOptions): Promise<void> {
  const nc = await connect({ servers: server });
  const publisher = new TickPublisher({
    js: jetstream(nc),
    partitions: o.partitions,
    feed: 'soak',
    maxInFlight: o.maxInFlight,
  });
  const names = symbols(o.symbols);
  const report = setInterval(() => {
    process.stdout.write(`${JSON.stringify({ published: publisher.counters.published })}\n`);
  }, 250);
  const t0 = Date.now();
  for (const fields of seededTicks({
    seed: o.seed,
    symbols: names,
    count: o.ticks,
    pick: slidingWindowPick(names, o.ticks, o.window, o.sweep),
  })) {
    await publisher.publishNext(fields);
  }
  await publisher.close();
  clearInterval(report);
  const c = publisher.counters;
  const done: SoakFeedResult = {
    published: c.published,
    failed: c.failed,
    retries: c.retries,
    seconds: (Date.now() - t0) / 1_000,
  };
  process.stdout.write(`${JSON.stringify({ published: c.published, done })}\n`);
  await nc.close();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv[2] as string, JSON.parse(process.argv[3] as string) as SoakFeedOptions).catch(
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
