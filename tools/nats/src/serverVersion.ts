import { NatsToolError } from './errors.js';

/** A parsed nats-server version, e.g. `2.9.10`. */
export interface ServerVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** As the server printed it, without the leading `v`. */
  readonly text: string;
}

/**
 * Server features newer than the 2.9 floor, with the first version that has them.
 * Callers ask {@link supportsFeature} instead of comparing version numbers themselves.
 */
export const serverFeatures = {
  /** Consumers with several `filter_subjects` (the client refuses them on 2.9). */
  multiFilterConsumers: '2.10.0',
  /** KV watch on several keys at once. */
  multiKeyWatch: '2.10.0',
  /** Stream subject transforms. */
  subjectTransforms: '2.10.0',
  /** Per-message TTL: 2.9 accepts the publish option and silently ignores it. */
  perMessageTtl: '2.11.0',
} as const;

/** A feature name from {@link serverFeatures}. */
export type ServerFeature = keyof typeof serverFeatures;

/** The oldest nats-server Ballast runs on (Debian 12's package). */
export const minimumServerVersion = '2.9.10';

/**
 * Parses `nats-server: v2.9.10`, `v2.10.4-beta` or `2.9.10`.
 *
 * @param text - output of `nats-server --version`, or a bare version
 * @returns the parsed version
 * @throws {NatsToolError} when no `major.minor.patch` is in the text
 * @example
 * parseServerVersion('nats-server: v2.9.10').minor // 9
 */
export function parseServerVersion(text: string): ServerVersion {
  const match = /v?(\d+)\.(\d+)\.(\d+)([-+][\w.-]+)?/.exec(text);
  if (!match) {
    throw new NatsToolError(
      'nats_server_start_failed',
      `cannot read a nats-server version from ${JSON.stringify(text.trim())}; expected e.g. "nats-server: v2.9.10"`,
    );
  }
  const [whole, major, minor, patch] = match;
  return {
    major: Number(major),
    minor: Number(minor),
    patch: Number(patch),
    text: whole.replace(/^v/, ''),
  };
}

/**
 * Orders two versions by major, minor, patch (pre-release tags are ignored).
 *
 * @returns a negative number when `a < b`, 0 when equal, positive when `a > b`
 */
export function compareServerVersions(
  a: ServerVersion | string,
  b: ServerVersion | string,
): number {
  const x = typeof a === 'string' ? parseServerVersion(a) : a;
  const y = typeof b === 'string' ? parseServerVersion(b) : b;
  return x.major - y.major || x.minor - y.minor || x.patch - y.patch;
}

/**
 * Whether a server of this version has a feature, so code can fall back instead of failing.
 *
 * @example
 * if (!supportsFeature(server.version, 'multiFilterConsumers')) useOneConsumerPerSubject();
 */
export function supportsFeature(version: ServerVersion | string, feature: ServerFeature): boolean {
  return compareServerVersions(version, serverFeatures[feature]) >= 0;
}
