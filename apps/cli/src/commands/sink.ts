import { Command, InvalidArgumentError } from 'commander';
import { CliError, UsageError } from '../cli/CliError.js';
import { commandConfig, flagParsers } from '../cli/commandConfig.js';
import { onStopSignal } from '../cli/onStopSignal.js';
import { connectCli } from '../nats/connectCli.js';
import { requestSinkSettings } from '../sink/requestSinkSettings.js';
import { SinkService } from '../sink/SinkService.js';
import { maxSinkLatencyMs, type SinkFaultsPatch, type SinkSettings } from '../sink/sinkSettings.js';
import { formatSinkStats } from '../sink/sinkStats.js';

/** How often `ballast sink` prints its stats line to stderr. */
const statsLineIntervalMs = 5_000;

interface SinkFlags {
  readonly failRate: number;
  readonly latency: number;
  readonly down?: boolean;
  readonly maxInFlight: number;
}

interface SinkSetFlags {
  readonly down?: boolean;
  readonly up?: boolean;
  readonly failRate?: number;
  readonly latency?: number;
  readonly timeout: number;
  readonly json?: boolean;
}

/**
 * `ballast sink`: the downstream candle service workers deliver closed candles to, with
 * faults to inject; `ballast sink set` changes them while it runs.
 *
 * @example
 * ballast sink --fail-rate 0.2 --latency 10
 * ballast sink set --down          # workers' breakers see timeouts and open
 * ballast sink set --up --fail-rate 0
 */
export function sinkCommand(): Command {
  const command = new Command('sink')
    .description(
      'run the downstream candle service (answers sink.candles) with injectable faults; stats on sys.sink every 2 s',
    )
    .option(
      '--fail-rate <0..1>',
      'fraction of candles answered with an error',
      flagParsers.fraction('--fail-rate'),
      0,
    )
    .option('--latency <ms>', 'delay before each answer', latencyParser, 0)
    .option('--down', 'start down: subscribed but answering nothing (requests time out)')
    .option(
      '--max-in-flight <n>',
      'requests waiting out --latency at once; more are refused with an error reply',
      flagParsers.integer('--max-in-flight', 1),
      256,
    )
    .action(async (_flags: SinkFlags, cmd: Command) => runSink(cmd));
  command.addCommand(sinkSetCommand());
  return command;
}

function sinkSetCommand(): Command {
  return new Command('set')
    .description(
      "change a running sink's faults (ctl.sink.set) and print the settings now in force",
    )
    .option('--down', 'stop answering (requests time out)')
    .option('--up', 'answer again')
    .option(
      '--fail-rate <0..1>',
      'fraction of candles answered with an error',
      flagParsers.fraction('--fail-rate'),
    )
    .option('--latency <ms>', 'delay before each answer', latencyParser)
    .option(
      '--timeout <ms>',
      'how long to wait for the sink',
      flagParsers.positive('--timeout'),
      2_000,
    )
    .option('--json', 'print the settings as one JSON line')
    .action(async (_flags: SinkSetFlags, cmd: Command) => runSinkSet(cmd));
}

async function runSink(cmd: Command): Promise<void> {
  const flags = cmd.opts<SinkFlags>();
  const config = commandConfig(cmd);
  const { nc } = await connectCli(config, {
    role: 'sink',
    name: 'ballast sink',
    longRunning: true,
  });
  // Settles on a signal, or on the connection closing under us (e.g. the user was revoked).
  let stop: (outcome: NodeJS.Signals | Error) => void = () => {};
  const stopped = new Promise<NodeJS.Signals | Error>((resolve) => {
    stop = resolve;
  });
  const removeSignalHandlers = onStopSignal(stop);
  void nc
    .closed()
    .then((error) =>
      stop(new CliError(`connection to NATS closed${error ? `: ${error.message}` : ''}`)),
    );
  let sink: SinkService | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    sink = await SinkService.start({
      nc,
      faults: { failRate: flags.failRate, latencyMs: flags.latency, down: flags.down === true },
      maxInFlight: flags.maxInFlight,
      onSettings: (event) => {
        if (!event.applied) process.stderr.write(`sink: refused ctl.sink.set: ${event.error}\n`);
        else if (event.changed) {
          process.stderr.write(`sink: settings now ${describeSettings(event.settings)}\n`);
        }
      },
    });
    const service = sink;
    process.stderr.write(
      `sink: ${service.id} answering sink.candles on ${nc.getServer()} (${describeSettings(service.settings)}); Ctrl-C stops\n`,
    );
    let receivedBefore = 0;
    timer = setInterval(() => {
      const stats = service.stats();
      process.stderr.write(
        `${formatSinkStats(stats, { receivedBefore, intervalMs: statsLineIntervalMs })}\n`,
      );
      receivedBefore = stats.counters.received;
    }, statsLineIntervalMs);
    timer.unref();
    const outcome = await stopped;
    if (outcome instanceof Error) throw outcome;
    await service.stop();
    process.stderr.write(
      `sink: ${outcome}, stopped; ${formatSinkStats(service.stats()).replace(/^sink: /, '')}\n`,
    );
  } finally {
    clearInterval(timer);
    removeSignalHandlers();
    await sink?.stop();
    await nc.drain().catch(() => nc.close());
  }
}

async function runSinkSet(cmd: Command): Promise<void> {
  const flags = cmd.opts<SinkSetFlags>();
  const down = given(cmd, 'down') as boolean | undefined;
  const failRate = given(cmd, 'failRate') as number | undefined;
  const latency = given(cmd, 'latency') as number | undefined;
  if (down && flags.up) throw new UsageError('--down and --up cannot be used together');
  const patch: { -readonly [K in keyof SinkFaultsPatch]: SinkFaultsPatch[K] } = {};
  if (down) patch.down = true;
  if (flags.up) patch.down = false;
  if (failRate !== undefined) patch.failRate = failRate;
  if (latency !== undefined) patch.latencyMs = latency;
  const config = commandConfig(cmd);
  const { nc, user } = await connectCli(config, { role: 'admin', name: 'ballast sink set' });
  try {
    const settings = await requestSinkSettings(nc, patch, { timeoutMs: flags.timeout, user });
    process.stdout.write(
      flags.json ? `${JSON.stringify(settings)}\n` : `${describeSettings(settings)}\n`,
    );
  } finally {
    await nc.close();
  }
}

/**
 * A flag of `sink set` that `sink` shares (--down, --fail-rate, --latency). Commander lets a
 * parent take its own options from anywhere on the line unless the whole program uses
 * positional options (which would stop `--nats` working after a command name), so
 * `ballast sink set --down` sets `sink`'s --down: read it there when given on the line.
 */
function given(cmd: Command, key: string): unknown {
  const own = cmd.getOptionValue(key);
  if (own !== undefined) return own;
  const parent = cmd.parent;
  return parent?.getOptionValueSource(key) === 'cli' ? parent.getOptionValue(key) : undefined;
}

function describeSettings(s: SinkSettings): string {
  return `${s.down ? 'down' : 'up'}, fail-rate ${s.failRate}, latency ${s.latencyMs} ms, max-in-flight ${s.maxInFlight}`;
}

function latencyParser(text: string): number {
  const value = flagParsers.nonNegative('--latency')(text);
  if (value > maxSinkLatencyMs) {
    throw new InvalidArgumentError(
      `--latency must be at most ${maxSinkLatencyMs} ms, got "${text}"`,
    );
  }
  return value;
}
