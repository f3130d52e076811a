import { InstrumentRegistry, silentLogger, topologyNames } from '@ballast/runtime';
import { jetstream } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';

/** The registry and its bucket, for {@link openInstruments}. */
export interface InstrumentsHandle {
  readonly registry: InstrumentRegistry;
  /** The `instruments` bucket: `remove` reads it to tell an unknown symbol from a known one. */
  readonly kv: KV;
}

/**
 * Opens the `instruments` KV registry for the CLI: runtime's {@link InstrumentRegistry} in
 * its client mode (`add`/`remove`/`list` against KV, no view, no reloader). The workers'
 * reloaders pick the changes up. The bucket is bound, not created: only `ballast up` (the
 * topology) creates it.
 *
 * @example
 * const { registry } = await openInstruments(nc);
 * await registry.add('AAPL');
 */
export async function openInstruments(nc: NatsConnection): Promise<InstrumentsHandle> {
  const kv = await new Kvm(jetstream(nc)).open(topologyNames.instruments);
  return { kv, registry: new InstrumentRegistry({ kv, log: silentLogger() }) };
}
