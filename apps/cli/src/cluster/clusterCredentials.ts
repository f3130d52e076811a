import { type RoleName, roleNames } from '../config/cliConfig.js';
import {
  type Credentials,
  credentialsPath,
  readCredentials,
  writeCredentials,
} from '../nats/credentials.js';
import { generateCredentials } from '../security/roles.js';

/**
 * The credentials of every role in a data dir: kept from an earlier `ballast up` (scripts and
 * open terminals keep working across restarts), generated and written (mode 0600) otherwise.
 *
 * @example
 * const users = await ensureClusterCredentials('.ballast');
 * users.get('cli'); // { user: 'cli', password: '...' }
 */
export async function ensureClusterCredentials(
  dataDir: string,
): Promise<Map<RoleName, Credentials>> {
  const users = new Map<RoleName, Credentials>();
  for (const role of roleNames) {
    const path = credentialsPath(dataDir, role);
    let creds = readCredentials(path);
    if (creds === null || creds.user !== role) {
      creds = generateCredentials(role);
      await writeCredentials(path, creds);
    }
    users.set(role, creds);
  }
  return users;
}
