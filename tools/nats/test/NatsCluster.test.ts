import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { startNatsCluster } from '../src/index.js';
import { isAlive } from './processProbe.js';
import { publishWithRetry } from './publishWithRetry.js';

describe('startNatsCluster', () => {
  it('forms a 3-node cluster whose nodes agree on a metadata leader', async () => {
    await using cluster = await startNatsCluster();
    expect(cluster.nodes.map((n) => n.name)).toEqual(['ballast-1', 'ballast-2', 'ballast-3']);
    expect(new Set(cluster.urls).size).toBe(3);
    const leader = await cluster.metaLeader();
    expect(cluster.nodes).toContain(leader);
  });

  it('keeps an R3 stream writable and whole when its leader is SIGKILLed', async () => {
    await using cluster = await startNatsCluster();
    const nc = await connect({
      servers: cluster.urls,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 100,
    });
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: 'TICKS', subjects: ['md.tick.>'], num_replicas: 3 });
      const js = jetstream(nc);
      const total = 200;
      for (let i = 0; i < total / 2; i++)
        await js.publish('md.tick.0.AAPL', `tick-${i}`, { msgID: `t:${i}` });

      const leader = await cluster.streamLeader('TICKS');
      const leaderPid = leader!.pid!;
      await leader!.kill('SIGKILL');
      expect(isAlive(leaderPid)).toBe(false);

      let retries = 0;
      for (let i = total / 2; i < total; i++) {
        const result = await publishWithRetry(js, 'md.tick.0.AAPL', `tick-${i}`, `t:${i}`, 30_000);
        retries += result.retries;
      }

      const info = await jsm.streams.info('TICKS');
      expect(info.state.messages).toBe(total);
      const bodies = new Set<string>();
      for (let seq = 1; seq <= total; seq++) {
        const msg = await jsm.streams.getMessage('TICKS', { seq });
        bodies.add(msg!.string());
      }
      expect(bodies.size).toBe(total);
      expect(bodies.has('tick-0')).toBe(true);
      expect(bodies.has(`tick-${total - 1}`)).toBe(true);
      // Leadership moved to a surviving node.
      const newLeader = await cluster.streamLeader('TICKS');
      expect(newLeader).toBeDefined();
      expect(newLeader).not.toBe(leader);
      // The election left a window with no responder for the stream; retries bridged it.
      expect(retries).toBeGreaterThan(0);
    } finally {
      await nc.close();
    }
  });

  it('brings a killed node back into the cluster on restart', async () => {
    await using cluster = await startNatsCluster();
    const victim = cluster.nodes[1]!;
    await victim.kill();
    await victim.restart();
    const leader = await cluster.waitForMetaLeader();
    expect(cluster.nodes).toContain(leader);
    const jsz = await victim.monitor<{ meta_cluster?: { cluster_size?: number } }>('/jsz');
    expect(jsz.meta_cluster?.cluster_size).toBe(3);
  });
});
