import { NatsServer } from '@ballast/nats';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { ensureTopology, topologyNames } from './topology.js';

describe('ensureTopology', () => {
  it('lets workers that start together on a fresh server all set it up', async () => {
    // Room for one 1 GiB tick log, not two: a create that raced another for the same stream
    // was refused with "insufficient storage resources" (nats-server 2.9 counts both).
    await using server = await NatsServer.start({ maxFileStore: '1800MB' });
    const connections = await Promise.all(
      Array.from({ length: 4 }, () => connect({ servers: server.url })),
    );
    try {
      const managers = await Promise.all(connections.map((nc) => jetstreamManager(nc)));
      const topologies = await Promise.all(
        connections.map((nc, i) => ensureTopology(nc, managers[i] as (typeof managers)[0])),
      );
      expect(topologies).toHaveLength(4);
      const info = await (managers[0] as (typeof managers)[0]).streams.info(topologyNames.ticks);
      expect(info.config.max_bytes).toBe(1024 ** 3);
    } finally {
      await Promise.all(connections.map((nc) => nc.close()));
    }
  });
});
