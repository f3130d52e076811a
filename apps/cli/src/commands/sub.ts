import { errors, type Subscription } from '@nats-io/nats-core';
import { Command, InvalidArgumentError } from 'commander';
import { CliError, UsageError } from '../cli/CliError.js';
import { CommandRun } from '../cli/CommandRun.js';
import { commandConfig, flagParsers } from '../cli/commandConfig.js';
import { type RawEncoding, rawEncodings, renderMessage } from '../messages/renderMessage.js';
import { connectCli } from '../nats/connectCli.js';
import { permissionDenied } from '../nats/PermissionWatch.js';

interface SubFlags {
  readonly json?: boolean;
  readonly raw?: RawEncoding | true;
  readonly count?: number;
  readonly queue?: string;
}

/**
 * `ballast sub <subject>`: prints the messages on a subject, MessagePack decoded to JSON,
 * like `nats sub`.
 *
 * @example
 * ballast sub 'md.candle.1m.*' --count 3
 * ballast sub 'sys.>' --json | jq .data
 * ballast sub md.tick.0.AAPL --raw hex
 */
export function subCommand(): Command {
  return new Command('sub')
    .description(
      'print the messages on a subject (wildcards * and > work), MessagePack decoded to JSON',
    )
    .argument('<subject>', 'subject or wildcard, e.g. "md.candle.1m.*" or "sys.>"')
    .option('--json', 'one JSON object per line: {"subject","data"} (plus "reply", "headers")')
    .option(
      '--raw [encoding]',
      'print the payload bytes undecoded: base64 (default) or hex',
      rawEncodingParser,
    )
    .option('--count <n>', 'exit after n messages', flagParsers.integer('--count', 1))
    .option('--queue <group>', 'join a queue group: its members share the messages')
    .addHelpText(
      'after',
      `
Payloads that are not MessagePack print as {"undecodable": "<reason>", "bytes": n}; byte
strings inside values print as base64. Runs until --count messages or Ctrl-C. Connects as the
"cli" role unless --user says otherwise; it may read md.> and sys.>.`,
    )
    .action(async (subject: string, _flags: SubFlags, cmd: Command) => runSub(subject, cmd));
}

async function runSub(subject: string, cmd: Command): Promise<void> {
  const flags = cmd.opts<SubFlags>();
  const raw: RawEncoding | undefined = flags.raw === true ? 'base64' : flags.raw;
  const format = flags.json ? 'json' : 'pretty';
  const config = commandConfig(cmd);
  const { nc, user, permissions } = await connectCli(config, {
    role: 'cli',
    name: 'ballast sub',
    longRunning: true,
  });
  // Ends at --count, on a signal, a closed stdout, or the subscription failing.
  const run = new CommandRun(nc);
  // `ballast sub ... | head` closes our stdout: stop quietly, as other Unix tools do.
  const onStdoutError = (error: NodeJS.ErrnoException) =>
    run.finish(error.code === 'EPIPE' ? undefined : error);
  process.stdout.on('error', onStdoutError);
  try {
    let received = 0;
    let subscription: Subscription;
    try {
      subscription = nc.subscribe(subject, {
        ...(flags.queue !== undefined && { queue: flags.queue }),
        // The client unsubscribes itself at the count: no message past it is delivered.
        ...(flags.count !== undefined && { max: flags.count }),
        callback: (error, msg) => {
          if (error !== null) {
            run.finish(
              error instanceof errors.PermissionViolationError
                ? permissionDenied(error, user)
                : new CliError(`subscription to "${subject}" failed: ${error.message}`, 1, {
                    cause: error,
                  }),
            );
            return;
          }
          received++;
          process.stdout.write(renderMessage(msg, { format, raw, index: received }));
          if (flags.count !== undefined && received >= flags.count) run.finish();
        },
      });
    } catch (error) {
      throw new UsageError(`cannot subscribe to "${subject}": ${(error as Error).message}`, {
        cause: error,
      });
    }
    // A denied subscription is reported by the server asynchronously, before the PONG of this
    // flush; the client calls the callback with it at once, the status stream a little later.
    await nc.flush();
    await new Promise((resolve) => setImmediate(resolve));
    if (run.failure) throw run.failure;
    await permissions.check();
    if (!subscription.isClosed()) {
      process.stderr.write(`listening on "${subject}" at ${nc.getServer()}; Ctrl-C stops\n`);
    }
    await run.ended();
  } finally {
    run.dispose();
    process.stdout.off('error', onStdoutError);
    await nc.drain().catch(() => nc.close());
  }
}

function rawEncodingParser(text: string): RawEncoding {
  if ((rawEncodings as readonly string[]).includes(text)) return text as RawEncoding;
  throw new InvalidArgumentError(
    `--raw takes ${rawEncodings.join(' or ')}, got "${text}" (put the subject before --raw, or write --raw=base64)`,
  );
}
