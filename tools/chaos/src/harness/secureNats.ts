import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentialsPath, writeCredentials } from '@ballast/cli/dist/nats/credentials.js';
import { generateCredentials, renderAuthorization } from '@ballast/cli/dist/security/roles.js';
import { NatsServer } from '@ballast/nats';

/** The roles `ballast up` creates a NATS user for. */
const roles = ['cli', 'admin', 'feed', 'worker', 'sink', 'gateway'] as const;

/** A role of the local cluster. */
type Role = (typeof roles)[number];

/** A nats-server with a user per role, and a data dir holding their credentials. */
export interface SecureNats extends AsyncDisposable {
  readonly server: NatsServer;
  /** Holds `credentials/<role>.json`, as `ballast up` writes them; pass it as `--data-dir`. */
  readonly dataDir: string;
  /** A role's credentials file (`--creds`). */
  credsFile(role: Role): string;
  /** A role's user and password, for a connection of our own. */
  auth(role: Role): { readonly user: string; readonly pass: string };
}

/**
 * Starts nats-server with the users and permissions of `ballast up` (apps/cli's
 * `renderAuthorization`), their credentials written to a temp data dir.
 *
 * @example
 * await using nats = await startSecureNats();
 * await runCli(['pub', '--user', 'cli', 'md.tick.0.AAPL', '{}', '--nats', nats.server.url, '--data-dir', nats.dataDir]);
 */
export async function startSecureNats(): Promise<SecureNats> {
  const dataDir = await mkdtemp(join(tmpdir(), 'ballast-chaos-'));
  try {
    const users = new Map<Role, { user: string; password: string }>();
    for (const role of roles) {
      const creds = generateCredentials(role);
      users.set(role, creds);
      await writeCredentials(credentialsPath(dataDir, role), creds);
    }
    const server = await NatsServer.start({ extraConfig: renderAuthorization(users) });
    return {
      server,
      dataDir,
      credsFile: (role) => credentialsPath(dataDir, role),
      auth: (role) => {
        const creds = users.get(role) as { user: string; password: string };
        return { user: creds.user, pass: creds.password };
      },
      async [Symbol.asyncDispose]() {
        await server[Symbol.asyncDispose]();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}
