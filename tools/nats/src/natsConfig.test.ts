import { describe, expect, it } from 'vitest';
import { renderNatsConfig } from './natsConfig.js';

describe('renderNatsConfig', () => {
  const base = { serverName: 'n1', clientPort: -1, httpPort: -1, portsFileDir: '/tmp/p' };

  it('binds every listener to loopback', () => {
    const text = renderNatsConfig({ ...base, cluster: { name: 'c', port: 6222, routes: [] } });
    expect(text).toContain('listen: "127.0.0.1:-1"');
    expect(text).toContain('http: "127.0.0.1:-1"');
    expect(text).toContain('listen: "127.0.0.1:6222"');
    expect(text).not.toMatch(/0\.0\.0\.0/);
  });

  it('always writes explicit JetStream store limits', () => {
    const text = renderNatsConfig({
      ...base,
      jetStream: { storeDir: '/tmp/s', maxMemoryStore: '64MB', maxFileStore: 1_000_000 },
    });
    expect(text).toContain('max_memory_store: 64MB');
    expect(text).toContain('max_file_store: 1000000');
    expect(text).toContain('store_dir: "/tmp/s"');
  });

  it('quotes paths so spaces and quotes survive', () => {
    const text = renderNatsConfig({ ...base, portsFileDir: '/tmp/a "b" c' });
    expect(text).toContain('ports_file_dir: "/tmp/a \\"b\\" c"');
  });

  it('lists routes to the other nodes', () => {
    const text = renderNatsConfig({
      ...base,
      cluster: {
        name: 'c',
        port: 1,
        routes: ['nats-route://127.0.0.1:2', 'nats-route://127.0.0.1:3'],
      },
    });
    expect(text).toContain('routes: ["nats-route://127.0.0.1:2", "nats-route://127.0.0.1:3"]');
  });
});
