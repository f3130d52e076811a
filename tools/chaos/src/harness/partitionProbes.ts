import { actorQuerySubject } from '@ballast/protocol';
import { encodeQuery } from '@ballast/runtime';
import type { NatsConnection } from '@nats-io/nats-core';

/**
 * Whether every partition is owned and answering: a query for one symbol of each partition
 * gets a reply. Only a partition's owner answers symbol queries (the others stay silent), so
 * an answer — even "busy" or "not found" — proves an owner that serves.
 *
 * @param probes - one symbol per partition (`probeSymbols`)
 * @returns the partitions that did not answer within `timeoutMs`
 * @example
 * const silent = await silentPartitions(nc, probes, 500); // [] when all answer
 */
export async function silentPartitions(
  nc: NatsConnection,
  probes: readonly string[],
  timeoutMs: number,
): Promise<number[]> {
  const answers = await Promise.all(
    probes.map((symbol) =>
      nc
        .request(actorQuerySubject('symbol', symbol), encodeQuery({ limit: 1 }), {
          timeout: timeoutMs,
        })
        .then(
          () => true,
          () => false,
        ),
    ),
  );
  return answers.flatMap((ok, p) => (ok ? [] : [p]));
}
