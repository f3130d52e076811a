import { Command } from 'commander';
import { createLogUpdate } from 'log-update';
import { commandConfig, flagParsers } from '../cli/commandConfig.js';
import { requestWorkers } from '../cluster/queries/requestWorkers.js';
import { SystemFeed } from '../cluster/queries/SystemFeed.js';
import { buildTopSample, type TopSample } from '../cluster/queries/topSample.js';
import { connectCli } from '../nats/connectCli.js';
import { renderTop } from '../views/renderTop.js';

interface TopOptions {
  readonly interval: number;
  readonly once?: boolean;
  readonly json?: boolean;
  readonly wait: number;
}

/**
 * `ballast top`: a live view of the cluster. Each interval it asks every worker for its status
 * (`sys.workers`) and shows partitions, actors, ticks folded and their rate, lag, memory,
 * breakers, drops, dead letters and errors, plus the newest `sys.errors` / `sys.deadletter`
 * lines. Redraws in place on a TTY; prints one block (or with `--json` one JSON line) per
 * interval otherwise. Stops on SIGINT/SIGTERM.
 *
 * @example
 * ballast top
 * ballast top --once --json | jq '.workers[].partitions'
 */
export function topCommand(): Command {
  return new Command('top')
    .description('live view of the workers: partitions, actors, ticks/s, lag, memory, errors')
    .option(
      '--interval <ms>',
      'time between samples',
      flagParsers.integer('--interval', 100),
      1_000,
    )
    .option('--once', 'print one sample and exit (for scripts)')
    .option('--json', 'print each sample as one JSON line')
    .option(
      '--wait <ms>',
      'how long to collect worker replies per sample',
      flagParsers.integer('--wait', 10),
      300,
    )
    .action(async (options: TopOptions, cmd: Command) => {
      const config = commandConfig(cmd);
      const { nc } = await connectCli(config, {
        role: 'cli',
        name: 'ballast top',
        longRunning: !options.once,
      });
      const feed = new SystemFeed(nc);
      const stop = stopSignal();
      const live = !options.json && process.stdout.isTTY === true;
      const redraw = live ? createLogUpdate(process.stdout) : null;
      let previous: TopSample | null = null;
      try {
        while (!stop.stopped) {
          const round = await requestWorkers(nc, { maxWaitMs: options.wait });
          const sample = buildTopSample(round, previous, feed.recent(), feed.seen, Date.now());
          previous = sample;
          if (options.json) process.stdout.write(`${JSON.stringify(sample)}\n`);
          else if (redraw !== null) redraw(renderTop(sample));
          else process.stdout.write(`${renderTop(sample)}\n`);
          if (options.once) break;
          await stop.sleep(Math.max(0, options.interval - options.wait));
        }
      } finally {
        redraw?.done();
        stop.dispose();
        feed.stop();
        await nc.drain().catch(() => nc.close());
      }
    });
}

/** SIGINT/SIGTERM as a flag and an interruptible sleep; `dispose` removes the handlers. */
function stopSignal(): {
  readonly stopped: boolean;
  sleep(ms: number): Promise<void>;
  dispose(): void;
} {
  let stopped = false;
  let wake: (() => void) | null = null;
  const onSignal = () => {
    stopped = true;
    wake?.();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    get stopped() {
      return stopped;
    },
    sleep(ms) {
      if (stopped) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(done, ms);
        timer.unref();
        function done() {
          clearTimeout(timer);
          wake = null;
          resolve();
        }
        wake = done;
      });
    },
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      wake?.();
    },
  };
}
