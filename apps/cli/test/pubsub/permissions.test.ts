import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatsServer } from '@ballast/nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoleName } from '../../src/config/cliConfig.js';
import { type Credentials, credentialsPath, writeCredentials } from '../../src/nats/credentials.js';
import { generateCredentials, renderAuthorization } from '../../src/security/roles.js';
import { runBallast, startBallast } from './runBallast.js';

let server: NatsServer;
let dataDir: string;

beforeAll(async () => {
  const users = new Map<RoleName, Credentials>(
    (['cli', 'admin', 'sink'] as const).map((role) => [role, generateCredentials(role)]),
  );
  server = await NatsServer.start({ extraConfig: renderAuthorization(users) });
  dataDir = await mkdtemp(join(tmpdir(), 'ballast-perm-'));
  for (const [role, creds] of users) await writeCredentials(credentialsPath(dataDir, role), creds);
});

afterAll(async () => {
  await server?.[Symbol.asyncDispose]();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function ballast(...args: string[]) {
  return runBallast([...args, '--data-dir', dataDir, '--nats', server.url]);
}

describe('permission violations (the cli role by default)', () => {
  it('sub to a subject the cli user may not read exits 1 naming user, operation and subject', async () => {
    const { code, stderr } = await ballast('sub', 'ctl.>');
    expect(code).toBe(1);
    expect(stderr).toContain('permission denied: user "cli" may not subscribe to "ctl.>"');
  });

  it('pub to a tick subject exits 1 with the clear message', async () => {
    const { code, stderr } = await ballast('pub', 'md.tick.0.X', '{"a":1}');
    expect(code).toBe(1);
    expect(stderr).toContain('permission denied: user "cli" may not publish to "md.tick.0.X"');
  });

  it('req on a control subject exits 1 with the clear message', async () => {
    const { code, stderr } = await ballast('req', 'ctl.sink.set', '{}', '--timeout', '1000');
    expect(code).toBe(1);
    expect(stderr).toContain('permission denied: user "cli" may not publish to "ctl.sink.set"');
  });

  it('the same commands work where the role allows them', async () => {
    const pub = await ballast('pub', 'md.tick.0.X', '{"a":1}', '--user', 'admin');
    expect(pub).toMatchObject({ code: 0 });
    const sub = startBallast(['sub', 'sys.>', '--data-dir', dataDir, '--nats', server.url]);
    await sub.waitFor(/listening on "sys\.>"/);
    sub.child.kill('SIGTERM');
    expect((await sub.exited).code).toBe(0);
  });
});
