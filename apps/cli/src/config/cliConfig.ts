import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { UsageError } from '../cli/CliError.js';
import { readClusterFile } from './clusterFile.js';

/** Roles `ballast up` writes credentials for; see `security/roles.ts`. */
export const roleNames = ['cli', 'admin', 'feed', 'worker', 'sink', 'gateway'] as const;
/** A NATS user role of the local cluster. */
export type RoleName = (typeof roleNames)[number];

/**
 * Settings every command shares. Each comes from, in order: a flag, an environment variable
 * (`BALLAST_NATS_URL`, `BALLAST_DATA_DIR`, `BALLAST_USER`, `BALLAST_CREDS`), the config file
 * (`--config`, `BALLAST_CONFIG` or `./ballast.config.json`), or the default.
 */
const cliConfigSchema = z
  .object({
    /** NATS server URLs, comma-separated in flags and env. Default: the running `ballast up`'s. */
    nats: z
      .array(z.url({ protocol: /^(nats|tls|ws|wss)$/ }))
      .min(1)
      .optional(),
    /** Where `ballast up` keeps the JetStream store, credentials, logs and cluster.json. */
    dataDir: z.string().min(1).default('.ballast'),
    /** The role whose credentials (from `<dataDir>/credentials/<role>.json`) to connect with. */
    user: z.enum(roleNames).optional(),
    /** A credentials file `{ "user", "password" }` to use instead of a role's. */
    creds: z.string().min(1).optional(),
    /** Partitions of the cluster (must match the workers'). */
    partitions: z.number().int().min(1).max(1024).default(16),
  })
  .strict();

/** Validated shared settings. */
export type CliConfig = z.infer<typeof cliConfigSchema>;

/** Where a setting came from, for flags given by commander. */
export interface CliConfigSources {
  readonly flags: Readonly<Record<string, unknown>>;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

const envKeys: Record<string, keyof CliConfig> = {
  BALLAST_NATS_URL: 'nats',
  BALLAST_DATA_DIR: 'dataDir',
  BALLAST_USER: 'user',
  BALLAST_CREDS: 'creds',
  BALLAST_PARTITIONS: 'partitions',
};

/**
 * Merges flags > environment > config file and validates the result.
 * @throws {UsageError} naming the bad key, its value and where it came from
 *
 * @example
 * const config = loadCliConfig({ flags: { nats: 'nats://127.0.0.1:4222' } });
 */
export function loadCliConfig({
  flags,
  env = process.env,
  cwd = process.cwd(),
}: CliConfigSources): CliConfig {
  const file = readConfigFile(flags.config ?? env.BALLAST_CONFIG, cwd);
  const merged: Record<string, unknown> = {};
  const origin: Record<string, string> = {};
  for (const [key, value] of Object.entries(file.values)) {
    merged[key] = value;
    origin[key] = file.path ?? 'config file';
  }
  for (const [name, key] of Object.entries(envKeys)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    merged[key] = fromText(key, value);
    origin[key] = `environment variable ${name}`;
  }
  for (const key of Object.keys(cliConfigSchema.shape) as (keyof CliConfig)[]) {
    const value = flags[key];
    if (value === undefined) continue;
    merged[key] = typeof value === 'string' ? fromText(key, value) : value;
    origin[key] = `flag --${kebab(key)}`;
  }
  // A running `ballast up` knows its partition count; its other commands must agree with it.
  if (merged.partitions === undefined) {
    const cluster = readClusterFile(
      typeof merged.dataDir === 'string' ? resolve(cwd, merged.dataDir) : resolve(cwd, '.ballast'),
    );
    if (cluster !== null) merged.partitions = cluster.partitions;
  }
  const parsed = cliConfigSchema.safeParse(merged);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0] as z.core.$ZodIssue;
  const key = String(issue.path[0] ?? '');
  if (issue.code === 'unrecognized_keys') {
    throw new UsageError(`${file.path}: unknown key "${issue.keys.join('", "')}"`);
  }
  const value = JSON.stringify(merged[key]);
  throw new UsageError(
    `invalid ${key} = ${value} (from ${origin[key] ?? 'default'}): ${issue.message}`,
  );
}

function readConfigFile(
  explicit: unknown,
  cwd: string,
): { path: string | undefined; values: Record<string, unknown> } {
  const path =
    typeof explicit === 'string' ? resolve(cwd, explicit) : resolve(cwd, 'ballast.config.json');
  if (!existsSync(path)) {
    if (typeof explicit === 'string') throw new UsageError(`config file ${path} does not exist`);
    return { path: undefined, values: {} };
  }
  let values: unknown;
  try {
    values = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`config file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new UsageError(`config file ${path} must hold a JSON object`);
  }
  return { path, values: values as Record<string, unknown> };
}

// Flags and env are text: lists are comma-separated, numbers parsed (zod names a bad one).
function fromText(key: keyof CliConfig, text: string): unknown {
  if (key === 'nats')
    return text
      .split(',')
      .map((url) => url.trim())
      .filter((url) => url !== '');
  if (key === 'partitions') return /^\s*-?\d+(\.\d+)?\s*$/.test(text) ? Number(text) : text;
  return text;
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
