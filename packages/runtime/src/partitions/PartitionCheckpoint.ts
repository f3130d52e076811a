import type { KV } from '@nats-io/kv';
import { checkpointKey } from '../actors/snapshotKey.js';

/** A partition's acknowledged floor as stored. */
export interface CheckpointRecord {
  /** Every event of the partition up to this sequence is in a persisted snapshot. */
  readonly floor: number;
  readonly worker: string;
  readonly at: number;
}

/**
 * A partition's acknowledgement: its floor, stored in the `snapshots` bucket next to the
 * snapshots it vouches for, written by compare-and-set so a worker that lost the partition
 * cannot move it. The next owner starts consuming at `floor + 1`.
 *
 * This replaces a durable JetStream consumer with `AckPolicy.All`: a durable shared by
 * successive owners would still hold a crashed owner's outstanding pull requests, and its
 * redeliveries after `ack_wait` arrive out of order — the fold would then skip an event it
 * never applied as "seq <= lastApplied". An ordered consumer started at the floor cannot.
 *
 * @example
 * const checkpoint = await PartitionCheckpoint.open(snapshots, 3, 'worker-1');
 * await checkpoint.advance(host.floor(3, processed));
 */
export class PartitionCheckpoint {
  readonly partition: number;
  readonly #kv: KV;
  readonly #worker: string;
  #floor: number;
  #revision: number;

  private constructor(kv: KV, partition: number, worker: string, floor: number, revision: number) {
    this.#kv = kv;
    this.partition = partition;
    this.#worker = worker;
    this.#floor = floor;
    this.#revision = revision;
  }

  /** Reads the stored floor (0 when none). */
  static async open(kv: KV, partition: number, worker: string): Promise<PartitionCheckpoint> {
    const entry = await kv.get(checkpointKey(partition));
    let floor = 0;
    if (entry !== null && entry.operation === 'PUT') {
      const record = entry.json<Partial<CheckpointRecord>>();
      if (Number.isSafeInteger(record.floor) && (record.floor as number) >= 0) {
        floor = record.floor as number;
      }
    }
    return new PartitionCheckpoint(kv, partition, worker, floor, entry?.revision ?? 0);
  }

  /** The floor as last stored or read. */
  get floor(): number {
    return this.#floor;
  }

  /**
   * Stores a higher floor; a lower or equal one is a no-op (floors never move back).
   *
   * @returns whether it was written
   * @throws the KV error; a lost compare-and-set means another worker owns the partition
   */
  async advance(floor: number): Promise<boolean> {
    if (floor <= this.#floor) return false;
    const record: CheckpointRecord = { floor, worker: this.#worker, at: Date.now() };
    const value = JSON.stringify(record);
    const key = checkpointKey(this.partition);
    this.#revision =
      this.#revision === 0
        ? await this.#kv.create(key, value)
        : await this.#kv.update(key, value, this.#revision);
    this.#floor = floor;
    return true;
  }
}
