import { existsSync, statSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../cli/CliError.js';
import { commandConfig, flagParsers } from '../cli/commandConfig.js';
import { csvFormat } from '../feed/csvTicks.js';
import { maxUniverseSize } from '../feed/instrumentUniverse.js';
import { type FeedInput, runFeed } from '../feed/runFeed.js';

interface FeedFlags {
  symbols: number;
  seed: number;
  rate: number;
  burstEvery?: number;
  burstFactor: number;
  burstSeconds: number;
  count?: number;
  duration?: number;
  csv?: string;
  speed: number;
  source?: string;
  jsonStats?: boolean;
}

/** Flags that only make sense when simulating, and the ones only for a CSV replay. */
const simulateOnly = ['symbols', 'seed', 'rate', 'burstEvery', 'burstFactor', 'burstSeconds'];
const csvOnly = ['speed'];
/** Above this the publisher, not the pacer, sets the pace (FACTS.md: 18-31 k/s acked here). */
const maxRate = 1_000_000;

/**
 * `ballast feed`: the market simulator (or a CSV replay) publishing ticks into the `TICKS`
 * stream through the runtime's `TickPublisher`, as the `feed` role.
 *
 * @example
 * program.addCommand(feedCommand()); // ballast feed --symbols 500 --rate 1000 --duration 60
 */
export function feedCommand(): Command {
  return new Command('feed')
    .description(
      'publish simulated market ticks (or replay a CSV of real ones) into the cluster until ' +
        '--count, --duration or Ctrl-C; stats every 5 s and a summary on stderr',
    )
    .option(
      '--symbols <n>',
      `instruments to simulate, ~10% of them options (1..${maxUniverseSize})`,
      flagParsers.integer('--symbols', 1),
      500,
    )
    .option(
      '--seed <n>',
      'seed of the instruments and the ticks: same seed, same sequence',
      flagParsers.integer('--seed', 0),
      1,
    )
    .option('--rate <ticks/s>', 'target rate', flagParsers.positive('--rate'), 1_000)
    .option(
      '--burst-every <s>',
      'a burst starts every s seconds (first after s)',
      flagParsers.positive('--burst-every'),
    )
    .option(
      '--burst-factor <x>',
      'rate multiplier during a burst',
      flagParsers.positive('--burst-factor'),
      5,
    )
    .option(
      '--burst-seconds <s>',
      'length of a burst, less than --burst-every',
      flagParsers.positive('--burst-seconds'),
      1,
    )
    .option('--count <n>', 'stop after n ticks', flagParsers.integer('--count', 1))
    .option('--duration <s>', 'stop after s seconds', flagParsers.positive('--duration'))
    .option('--csv <file>', 'replay ticks from a CSV file (format below) instead of simulating')
    .option(
      '--speed <x>',
      'CSV replay at x times the recorded pace; 0 = as fast as possible',
      flagParsers.nonNegative('--speed'),
      1,
    )
    .addOption(
      new Option(
        '--source <name>',
        'feed name; ticks carry source <name>-p<NN> (default: sim, or csv with --csv)',
      ).argParser(sourceName),
    )
    .option('--json-stats', 'print the final summary as JSON on stdout')
    .addHelpText(
      'after',
      `
The simulator's instruments depend on --seed, --symbols and the UTC day: \`ballast up\` with
the same values registers the same ones. sourceSeq continues the previous run of the same
--source when the user may read the tick log; otherwise it starts at the clock in
microseconds, so consumers see a restart as one gap per partition, never as duplicates.

${csvFormat}

Examples:
  ballast feed --symbols 500 --rate 1000 --duration 60
  ballast feed --rate 2000 --burst-every 30 --burst-factor 10 --burst-seconds 5
  ballast feed --csv trades.csv --speed 10 --source nasdaq --json-stats`,
    )
    .action(async (flags: FeedFlags, command: Command) => {
      const config = commandConfig(command);
      const given = (name: string) => command.getOptionValueSource(name) === 'cli';
      const input = feedInput(flags, given);
      await runFeed({
        config,
        input,
        feed: flags.source ?? (input.kind === 'csv' ? 'csv' : 'sim'),
        count: flags.count,
        durationMs: flags.duration === undefined ? undefined : flags.duration * 1_000,
        jsonStats: flags.jsonStats === true,
      });
    });
}

/** Checks flag combinations commander cannot, and builds the input. */
function feedInput(flags: FeedFlags, given: (name: string) => boolean): FeedInput {
  if (flags.csv !== undefined) {
    const misplaced = simulateOnly.filter(given);
    if (misplaced.length > 0) {
      throw new UsageError(
        `${misplaced.map(flag).join(', ')} only apply when simulating, not with --csv`,
      );
    }
    if (!existsSync(flags.csv) || !statSync(flags.csv).isFile()) {
      throw new UsageError(`--csv ${flags.csv}: no such file`);
    }
    return { kind: 'csv', file: flags.csv, speed: flags.speed };
  }
  const misplaced = csvOnly.filter(given);
  if (misplaced.length > 0) {
    throw new UsageError(`${misplaced.map(flag).join(', ')} only applies with --csv`);
  }
  if (flags.symbols > maxUniverseSize) {
    throw new UsageError(`--symbols must be at most ${maxUniverseSize}, got ${flags.symbols}`);
  }
  if (flags.rate > maxRate)
    throw new UsageError(`--rate must be at most ${maxRate}, got ${flags.rate}`);
  if (flags.burstEvery === undefined) {
    const orphans = ['burstFactor', 'burstSeconds'].filter(given);
    if (orphans.length > 0) {
      throw new UsageError(`${orphans.map(flag).join(', ')} need --burst-every`);
    }
    return { kind: 'simulate', symbols: flags.symbols, seed: flags.seed, rate: flags.rate };
  }
  if (flags.burstSeconds >= flags.burstEvery) {
    throw new UsageError(
      `--burst-seconds (${flags.burstSeconds}) must be less than --burst-every (${flags.burstEvery})`,
    );
  }
  return {
    kind: 'simulate',
    symbols: flags.symbols,
    seed: flags.seed,
    rate: flags.rate,
    burst: {
      everyMs: flags.burstEvery * 1_000,
      lengthMs: flags.burstSeconds * 1_000,
      factor: flags.burstFactor,
    },
  };
}

// A feed name becomes part of every tick's source token and msgID.
function sourceName(text: string): string {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(text)) {
    throw new InvalidArgumentError(
      `--source must be 1-40 letters, digits, '-' or '_' (it names the tick source), got "${text}"`,
    );
  }
  return text;
}

function flag(name: string): string {
  return `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
