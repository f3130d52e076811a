/** Key of a worker's presence in the leases bucket: `worker.<id>`. */
export const presencePrefix = 'worker.';

/** Key prefix of partition leases: `partition.<p>`. */
const leasePrefix = 'partition.';

/**
 * The leases-bucket key of partition `p`.
 *
 * @example
 * leaseKey(3); // 'partition.3'
 */
export function leaseKey(partition: number): string {
  return `${leasePrefix}${partition}`;
}

/**
 * The leases-bucket key of a worker's presence.
 *
 * @example
 * presenceKey('w1'); // 'worker.w1'
 */
export function presenceKey(workerId: string): string {
  return `${presencePrefix}${workerId}`;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// JSON rather than msgpack: the values are tiny, written a few times per TTL, and stay
// readable with `nats kv get leases partition.3` while debugging a stuck rebalance.

/**
 * Value of a lease key: who holds it, and when (wall clock, for humans only — safety never
 * depends on it).
 *
 * @example
 * encodeLease('w1', Date.now());
 */
export function encodeLease(worker: string, at: number): Uint8Array {
  return encoder.encode(JSON.stringify({ worker, at }));
}

/**
 * Value of a presence key.
 *
 * @example
 * encodePresence('w1', Date.now());
 */
export function encodePresence(id: string, at: number): Uint8Array {
  return encoder.encode(JSON.stringify({ id, at }));
}

/**
 * The holder named in a lease value.
 *
 * @returns the worker id, or `undefined` when the value is not `{ worker: string }`
 * @example
 * decodeLeaseHolder(encodeLease('w1', 0)); // 'w1'
 */
export function decodeLeaseHolder(value: Uint8Array): string | undefined {
  try {
    const parsed: unknown = JSON.parse(decoder.decode(value));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const worker = (parsed as { worker?: unknown }).worker;
    return typeof worker === 'string' && worker !== '' ? worker : undefined;
  } catch {
    return undefined;
  }
}
