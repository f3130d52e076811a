import { describe, expect, it } from 'vitest';
import {
  findNatsServer,
  NatsServer,
  NatsServerNotFoundError,
  NatsServerStartError,
  NatsToolError,
} from '../src/index.js';
import { fakeNatsServer } from './processProbe.js';

describe('findNatsServer', () => {
  it('finds the installed nats-server and reads its version', async () => {
    const found = await findNatsServer();
    expect(found.path).toMatch(/nats-server$/);
    expect(found.version.major).toBe(2);
    expect(found.version.minor).toBeGreaterThanOrEqual(9);
  });

  it('gives a typed error with install commands when the binary is missing', async () => {
    const error = await findNatsServer({
      env: { NATS_SERVER_BIN: '/nonexistent/nats-server' },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NatsServerNotFoundError);
    const notFound = error as NatsServerNotFoundError;
    expect(notFound.code).toBe('nats_server_not_found');
    expect(notFound.searched).toEqual(['/nonexistent/nats-server']);
    expect(notFound.message).toContain('apt-get install -y nats-server');
    expect(notFound.message).toContain('brew install nats-server');
    expect(notFound.message).toContain('NATS_SERVER_BIN');
    expect(notFound.message).not.toMatch(/https?:\/\//);
  });

  it('refuses a server older than 2.9.10', async () => {
    await using fake = await fakeNatsServer('echo "nats-server: v2.8.4"');
    const error = await findNatsServer({ env: { NATS_SERVER_BIN: fake.path } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NatsToolError);
    expect((error as NatsToolError).code).toBe('nats_server_too_old');
    expect((error as Error).message).toContain('2.8.4');
  });
});

describe('NatsServer.start with a broken binary', () => {
  it('reports an early exit with the server output and the config path', async () => {
    await using fake = await fakeNatsServer(
      '[ "$1" = "--version" ] && { echo "nats-server: v2.9.10"; exit 0; }\necho "nats: config broken" >&2\nexit 1',
    );
    const binary = await findNatsServer({ env: { NATS_SERVER_BIN: fake.path } });
    const error = await NatsServer.start({ binary }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NatsServerStartError);
    const startError = error as NatsServerStartError;
    expect(startError.code).toBe('nats_server_exited');
    expect(startError.logTail).toContain('nats: config broken');
    expect(startError.message).toContain(startError.configFile);
  });
});
