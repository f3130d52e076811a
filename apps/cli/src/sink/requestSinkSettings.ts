import { encodePlain } from '@ballast/protocol';
import type { NatsConnection } from '@nats-io/nats-core';
import { CliError } from '../cli/CliError.js';
import { requestFailure } from '../messages/requestFailure.js';
import {
  decodeSinkControlReply,
  type SinkFaultsPatch,
  type SinkSettings,
  sinkControlSubject,
} from './sinkSettings.js';

/**
 * Asks a running sink to change its faults (`ctl.sink.set`) and returns the settings now in
 * force; an empty patch only reads them.
 * @throws {CliError} no sink running, no answer, permission denied, or the sink refused
 *
 * @example
 * const settings = await requestSinkSettings(nc, { down: true }, { user: 'admin' });
 */
export async function requestSinkSettings(
  nc: NatsConnection,
  patch: SinkFaultsPatch,
  { timeoutMs = 2_000, user = null }: { timeoutMs?: number; user?: string | null } = {},
): Promise<SinkSettings> {
  let data: Uint8Array;
  try {
    data = (await nc.request(sinkControlSubject, encodePlain(patch), { timeout: timeoutMs })).data;
  } catch (error) {
    const failure = requestFailure(error, { subject: sinkControlSubject, timeoutMs, user });
    // "No responders" here means no sink: say which command starts one.
    if (failure.message.startsWith('no responders')) {
      throw new CliError(`no sink is running (start one with \`ballast sink\`)`, 1, {
        cause: error,
      });
    }
    throw failure;
  }
  const reply = decodeSinkControlReply(data);
  if (!reply.ok) throw new CliError(`the sink refused the settings: ${reply.error}`);
  return reply.settings;
}
