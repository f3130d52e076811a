import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { CliError } from '../cli/CliError.js';
import type { RoleName } from '../config/cliConfig.js';

/** A user/password pair of the local cluster, stored as JSON with mode 0600. */
const credentialsSchema = z.object({
  user: z.string().min(1),
  password: z.string().min(1),
});

/** Credentials of one NATS user. */
export type Credentials = z.infer<typeof credentialsSchema>;

/** Where a role's credentials live in a data dir. */
export function credentialsPath(dataDir: string, role: RoleName): string {
  return join(dataDir, 'credentials', `${role}.json`);
}

/**
 * Reads a credentials file. `null` if it does not exist (a server without auth).
 * @throws {CliError} when it exists but is not `{ "user", "password" }`
 *
 * @example
 * const creds = readCredentials('.ballast/credentials/cli.json');
 */
export function readCredentials(path: string): Credentials | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CliError(`cannot read credentials ${path}: ${(error as Error).message}`);
  }
  const parsed = credentialsSchema.safeParse(safeJson(text));
  if (!parsed.success) {
    throw new CliError(`credentials file ${path} must be {"user": "...", "password": "..."}`);
  }
  return parsed.data;
}

/** Writes a credentials file readable by its owner only. */
export async function writeCredentials(path: string, credentials: Credentials): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true, mode: 0o700 });
  await writeFile(path, `${JSON.stringify(credentials)}\n`, { mode: 0o600 });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
