import { errors, type Msg, type NatsConnection } from '@nats-io/nats-core';
import { Command } from 'commander';
import { CliError, UsageError } from '../cli/CliError.js';
import { commandConfig, flagParsers } from '../cli/commandConfig.js';
import { readPayloadInput } from '../messages/readPayloadInput.js';
import { prettyPayload, renderMessage } from '../messages/renderMessage.js';
import { requestFailure } from '../messages/requestFailure.js';
import { connectCli } from '../nats/connectCli.js';

/** Publishes between flushes: nats.js buffers outbound messages without a bound. */
const flushEvery = 1_000;

interface PubFlags {
  readonly count: number;
  readonly json?: boolean;
}

interface ReqFlags {
  readonly timeout: number;
  readonly json?: boolean;
}

/**
 * `ballast pub <subject> [json]`: publishes JSON (argument or stdin) as plain MessagePack.
 *
 * @example
 * ballast pub --user admin ctl.reload '{"v":1,"type":"reload","reason":"cli","at":0}'
 * echo '{"a":1}' | ballast pub test.subject --count 10
 */
export function pubCommand(): Command {
  return new Command('pub')
    .description('publish JSON (argument or stdin) as one MessagePack message')
    .argument('<subject>', 'subject to publish to (no wildcards)')
    .argument('[json]', 'the payload as JSON; read from stdin when absent (empty when none)')
    .option('--count <n>', 'publish it n times', flagParsers.integer('--count', 1), 1)
    .option('--json', 'print a JSON summary line {"subject","count","bytes"} on stdout')
    .addHelpText(
      'after',
      `
Exits 1 when the server refuses the publish (e.g. the default "cli" user may only publish
queries: use --user admin for ctl.* subjects), 2 for invalid JSON.`,
    )
    .action(async (subject: string, json: string | undefined, _flags: PubFlags, cmd: Command) =>
      runPub(subject, json, cmd),
    );
}

/**
 * `ballast req <subject> [json]`: sends a request and prints the decoded reply.
 *
 * @example
 * ballast req sys.workers --json
 * ballast req actor.symbol.AAPL.query '{"v":1,"type":"candles","tf":"1m"}'
 */
export function reqCommand(): Command {
  return new Command('req')
    .description('send a request (JSON in, MessagePack on the wire) and print the decoded reply')
    .argument('<subject>', 'subject to send the request to')
    .argument('[json]', 'the request as JSON; read from stdin when absent (empty when none)')
    .option(
      '--timeout <ms>',
      'how long to wait for the reply',
      flagParsers.positive('--timeout'),
      2_000,
    )
    .option('--json', 'print the reply as one JSON line {"subject","data"}')
    .addHelpText(
      'after',
      `
Exits 1 when nothing answers (no responders), no reply comes within --timeout, or the server
refuses the request.`,
    )
    .action(async (subject: string, json: string | undefined, _flags: ReqFlags, cmd: Command) =>
      runReq(subject, json, cmd),
    );
}

async function runPub(subject: string, json: string | undefined, cmd: Command): Promise<void> {
  const flags = cmd.opts<PubFlags>();
  // Read before connecting: a JSON mistake is reported without needing a server.
  const payload = await readPayloadInput(json);
  const config = commandConfig(cmd);
  const { nc, permissions } = await connectCli(config, { role: 'cli', name: 'ballast pub' });
  try {
    for (let i = 0; i < flags.count; i++) {
      publish(nc, subject, payload);
      if ((i + 1) % flushEvery === 0) await nc.flush();
    }
    // A denied publish is no exception in NATS: the server answers with an async -ERR, which
    // arrives before the PONG of this flush and reaches the watch a turn later.
    await nc.flush();
    await new Promise((resolve) => setImmediate(resolve));
    await permissions.check();
  } finally {
    await nc.close();
  }
  const summary = { subject, count: flags.count, bytes: payload.length };
  if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    const times = flags.count === 1 ? '1 message' : `${flags.count} messages`;
    process.stderr.write(`published ${times} (${payload.length} bytes each) to "${subject}"\n`);
  }
}

async function runReq(subject: string, json: string | undefined, cmd: Command): Promise<void> {
  const flags = cmd.opts<ReqFlags>();
  const payload = await readPayloadInput(json);
  const config = commandConfig(cmd);
  const { nc, user, permissions } = await connectCli(config, { role: 'cli', name: 'ballast req' });
  try {
    let reply: Msg;
    try {
      reply = await nc.request(subject, payload, { timeout: flags.timeout });
    } catch (error) {
      // A denied publish of the request may surface as a plain timeout; the watch knows better.
      await permissions.check();
      throw requestFailure(error, { subject, timeoutMs: flags.timeout, user });
    }
    // Shown under the subject asked, not the inbox the reply came back on.
    const message = { subject, data: reply.data, headers: reply.headers };
    process.stdout.write(
      flags.json ? renderMessage(message, { format: 'json' }) : `${prettyPayload(reply.data)}\n`,
    );
  } finally {
    await nc.close();
  }
}

function publish(nc: NatsConnection, subject: string, payload: Uint8Array): void {
  try {
    nc.publish(subject, payload);
  } catch (error) {
    if (error instanceof errors.InvalidSubjectError) {
      throw new UsageError(`invalid subject "${subject}": ${error.message}`, { cause: error });
    }
    throw new CliError(`cannot publish to "${subject}": ${(error as Error).message}`, 1, {
      cause: error,
    });
  }
}
