import { Command, CommanderError } from 'commander';
import { CliError } from './cli/CliError.js';
import { feedCommand } from './commands/feed.js';
import { inspectCommand } from './commands/inspect.js';
import { instrumentsCommand } from './commands/instruments.js';
import { pubCommand, reqCommand } from './commands/pub.js';
import { queryCommand } from './commands/query.js';
import { replayCommand } from './commands/replay.js';
import { sinkCommand } from './commands/sink.js';
import { subCommand } from './commands/sub.js';
import { topCommand } from './commands/top.js';
import { upCommand } from './commands/up.js';

/**
 * The `ballast` program: global connection flags and every command. Bad flags exit with 2.
 *
 * @example
 * await buildProgram().parseAsync(process.argv);
 */
export function buildProgram(): Command {
  const program = new Command('ballast')
    .description('Ballast: event-sourced market-data actors on NATS. Start with `ballast up`.')
    .version('0.1.0')
    .option(
      '--nats <urls>',
      'NATS server URLs, comma-separated (default: the running `ballast up`)',
    )
    .option('--data-dir <dir>', 'data dir of the local cluster (default .ballast)')
    .option('--user <role>', 'connect as this role of the local cluster (cli, admin, feed, ...)')
    .option('--creds <file>', 'credentials file {"user","password"} to connect with')
    .option('--config <file>', 'config file (default ./ballast.config.json)')
    .showHelpAfterError('(run with --help for usage)');
  for (const command of [
    upCommand(),
    feedCommand(),
    sinkCommand(),
    subCommand(),
    pubCommand(),
    reqCommand(),
    queryCommand(),
    replayCommand(),
    topCommand(),
    instrumentsCommand(),
    inspectCommand(),
  ]) {
    program.addCommand(command);
  }
  exitOverride(program);
  return program;
}

/**
 * Runs the program on `argv` and returns the exit code: 0 done, 1 failed, 2 bad invocation.
 *
 * @example
 * process.exitCode = await runCli(process.argv);
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed the message already.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      if (error.code === 'commander.help') return 0;
      return 2;
    }
    if (error instanceof CliError) {
      process.stderr.write(`ballast: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(
      `ballast: unexpected failure\n${(error as Error)?.stack ?? String(error)}\n`,
    );
    return 1;
  }
}

// Commander exits the process itself unless told not to, with code 1 for usage errors.
function exitOverride(command: Command): void {
  command.exitOverride();
  for (const sub of command.commands) exitOverride(sub);
}
