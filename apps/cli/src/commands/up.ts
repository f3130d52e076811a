import { resolve } from 'node:path';
import { Command } from 'commander';
import { commandConfig, flagParsers } from '../cli/commandConfig.js';
import { defaultDashboardPort, LocalCluster } from '../cluster/LocalCluster.js';
import { formatStatusLine } from '../cluster/statusLine.js';
import { instrumentRecords } from '../feed/instrumentUniverse.js';

interface UpFlags {
  readonly workers: number;
  readonly cluster: number;
  readonly symbols: number;
  readonly rate: number;
  readonly seed: number;
  readonly partitions: number;
  readonly feed: boolean;
  readonly sink: boolean;
  readonly dashboard: boolean;
  readonly dashboardPort: number;
  readonly maxLive?: number;
  readonly statusEvery: number;
}

/**
 * `ballast up`: runs a local cluster in the foreground until Ctrl-C — nats-server, streams and
 * buckets, the instrument registry, N workers, the feed and the sink — prints where things
 * are, then a live status line.
 *
 * @example
 * program.addCommand(upCommand());
 */
export function upCommand(): Command {
  return new Command('up')
    .description(
      'run a local cluster until Ctrl-C: nats-server, workers, feed and sink (data in --data-dir survives restarts)',
    )
    .option('--workers <n>', 'worker processes', flagParsers.integer('--workers', 1), 2)
    .option(
      '--cluster <nodes>',
      'embedded nats-server nodes: 1, or 3 for a JetStream cluster with R3 streams',
      flagParsers.integer('--cluster', 1),
      1,
    )
    .option('--symbols <n>', 'symbols the feed simulates', flagParsers.integer('--symbols', 1), 500)
    .option('--rate <ticks/s>', 'feed rate', flagParsers.positive('--rate'), 1_000)
    .option(
      '--seed <n>',
      'feed random seed (same seed, same ticks)',
      flagParsers.integer('--seed'),
      1,
    )
    .option(
      '--partitions <n>',
      'partitions of the tick log',
      flagParsers.integer('--partitions', 1),
      16,
    )
    .option(
      '--max-live <n>',
      'live actors per worker before LRU passivation',
      flagParsers.integer('--max-live', 1),
    )
    .option('--no-feed', 'start no feed (publish your own ticks)')
    .option('--no-sink', 'start no sink (the breaker opens)')
    .option(
      '--dashboard-port <port>',
      `dashboard port on 127.0.0.1 (default ${defaultDashboardPort}, or any free one if taken; 0: any free one)`,
      flagParsers.integer('--dashboard-port'),
      defaultDashboardPort,
    )
    .option('--no-dashboard', 'start no dashboard')
    .option(
      '--status-every <ms>',
      'status line period (a new line each time when stdout is not a terminal)',
      flagParsers.integer('--status-every', 100),
      1_000,
    )
    .action(async (flags: UpFlags, command: Command) => {
      const config = commandConfig(command);
      if (flags.cluster !== 1 && flags.cluster !== 3) {
        command.error(`--cluster must be 1 or 3, got ${flags.cluster}`, { exitCode: 2 });
      }
      const dataDir = resolve(config.dataDir);
      const cluster = await LocalCluster.start({
        dataDir,
        workers: flags.workers,
        natsNodes: flags.cluster,
        ...(config.nats && {
          external: { servers: config.nats, ...(config.creds && { creds: config.creds }) },
        }),
        partitions: flags.partitions,
        feed: flags.feed ? { symbols: flags.symbols, rate: flags.rate, seed: flags.seed } : null,
        sink: flags.sink,
        dashboardPort: flags.dashboard ? flags.dashboardPort : null,
        ...(flags.maxLive && { maxLiveActors: flags.maxLive }),
        instruments: instrumentRecords({ count: flags.symbols, seed: flags.seed, now: Date.now() }),
        onCrash: (name, code, signal) =>
          process.stderr.write(
            `\nballast up: ${name} exited (${signal ?? `code ${code}`}); restarting it\n`,
          ),
      });
      printBanner(cluster, dataDir, flags);
      await runUntilSignal(cluster, flags.statusEvery);
    });
}

function printBanner(cluster: LocalCluster, dataDir: string, flags: UpFlags): void {
  const pids = cluster.workers.map((w) => `${w.name} pid ${w.pid}`).join(', ');
  const lines = [
    'Ballast is up.',
    `  NATS        ${cluster.natsUrls.join(',')}`,
    `  users       ${dataDir}/credentials/<role>.json (cli, admin, feed, worker, sink, gateway)`,
    `  workers     ${pids}`,
    `  feed        ${flags.feed ? `${flags.symbols} symbols at ${flags.rate} ticks/s, seed ${flags.seed}` : 'off'}`,
    `  sink        ${flags.sink ? 'sink.candles (ballast sink set --down to take it down)' : 'off'}`,
    `  dashboard   ${cluster.gateway ? cluster.gateway.url : 'off'}`,
    '  inspector   ballast inspect --actor symbol/<SYMBOL>   (Stately inspector on http://localhost:8080)',
    `  logs        ${dataDir}/logs/`,
    '  try         ballast sub "md.candle.1m.*" --count 5',
    '              ballast query <SYMBOL>      ballast top      ballast replay <SYMBOL> --verify',
    `Ctrl-C stops everything in order; ${dataDir} keeps the log for the next \`ballast up\`.`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function runUntilSignal(cluster: LocalCluster, everyMs: number): Promise<void> {
  const tty = process.stdout.isTTY === true;
  // Off a terminal a line per period would flood a log: one every 5 periods.
  let turn = 0;
  const timer = setInterval(() => {
    const line = formatStatusLine(cluster.watch.workers(), cluster.crashes);
    if (tty) process.stdout.write(`\r\x1b[2K${line.slice(0, process.stdout.columns - 1)}`);
    else if (turn++ % 5 === 0) process.stdout.write(`${line}\n`);
  }, everyMs);
  const signal = await new Promise<NodeJS.Signals>((resolveSignal) => {
    process.once('SIGINT', () => resolveSignal('SIGINT'));
    process.once('SIGTERM', () => resolveSignal('SIGTERM'));
  });
  clearInterval(timer);
  process.stdout.write(
    `${tty ? '\n' : ''}ballast up: ${signal}, stopping (feed, workers, sink, nats-server)...\n`,
  );
  // A second Ctrl-C while stopping is impatience, not a new request: say so, keep going.
  const again = () => process.stderr.write('ballast up: still stopping (final snapshots)...\n');
  process.on('SIGINT', again);
  await cluster.stop();
  process.off('SIGINT', again);
  process.stdout.write('ballast up: stopped.\n');
}
