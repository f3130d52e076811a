import { randomBytes } from 'node:crypto';
import type { RoleName } from '../config/cliConfig.js';
import type { Credentials } from '../nats/credentials.js';

/** Subjects a role may publish to and subscribe to. */
interface RolePermissions {
  readonly publish: readonly string[];
  readonly subscribe: readonly string[];
  readonly description: string;
}

// JetStream and KV are request/reply on $JS.API / $KV subjects; replies come on _INBOX.
const inbox = '_INBOX.>';
/** What reading the TICKS stream with an ordered consumer needs (replay). */
const readTicks = [
  '$JS.API.INFO',
  '$JS.API.STREAM.INFO.TICKS',
  '$JS.API.STREAM.MSG.GET.TICKS',
  '$JS.API.CONSUMER.CREATE.TICKS',
  '$JS.API.CONSUMER.CREATE.TICKS.>',
  '$JS.API.CONSUMER.DELETE.TICKS.>',
  '$JS.API.CONSUMER.INFO.TICKS.>',
  '$JS.API.CONSUMER.MSG.NEXT.TICKS.>',
  '$JS.FC.>',
];

/**
 * The local cluster's NATS users and what each may do. Least privilege per process: a feed can
 * only publish ticks, the CLI's default user only reads market data and system subjects and
 * asks actors, and only `admin` touches control subjects and the instrument registry.
 */
const rolePermissions: Readonly<Record<RoleName, RolePermissions>> = {
  feed: {
    description: 'market feed: publishes ticks (JetStream acks come back on an inbox)',
    // MSG.GET: a restarted feed reads its partitions' last ticks to continue their sourceSeq.
    publish: [
      'md.tick.>',
      '$JS.API.INFO',
      '$JS.API.STREAM.INFO.TICKS',
      '$JS.API.STREAM.MSG.GET.TICKS',
    ],
    subscribe: [inbox],
  },
  worker: {
    description: 'actor host: consumes ticks, keeps snapshots and leases, publishes candles',
    publish: [
      'md.candle.>',
      'sys.>',
      'sink.candles',
      '$JS.API.>',
      '$JS.FC.>',
      '$JS.ACK.>',
      '$KV.>',
      inbox,
    ],
    subscribe: ['md.tick.>', 'actor.>', 'ctl.>', 'sys.workers', '$KV.>', inbox],
  },
  sink: {
    description: 'downstream candle service: answers sink.candles, obeys ctl.sink',
    publish: ['sys.>'],
    subscribe: ['sink.candles', 'ctl.sink.>', inbox],
  },
  cli: {
    description: "the CLI's default: reads md.> and sys.>, asks actors, reads the tick log",
    publish: ['actor.*.*.query', 'sys.workers', ...readTicks],
    subscribe: ['md.>', 'sys.>', inbox],
  },
  gateway: {
    description: 'dashboard gateway: like cli, and switches inspection on',
    publish: ['actor.*.*.query', 'sys.workers', 'ctl.inspect', ...readTicks],
    subscribe: ['md.>', 'sys.>', inbox],
  },
  admin: {
    description: 'everything: control subjects (ctl.*), the instrument registry, streams',
    publish: ['>'],
    subscribe: ['>'],
  },
};

/** A fresh random password per role: 24 bytes, base64url. */
export function generateCredentials(role: RoleName): Credentials {
  return { user: role, password: randomBytes(24).toString('base64url') };
}

/**
 * The nats-server `authorization` block for these users. Replies to requests are allowed by
 * `allow_responses`, so a responder needs no publish right on `_INBOX.>`.
 *
 * @example
 * NatsServer.start({ extraConfig: renderAuthorization(users) });
 */
export function renderAuthorization(users: ReadonlyMap<RoleName, Credentials>): string {
  const q = JSON.stringify;
  const list = (subjects: readonly string[]) => `[${subjects.map((s) => q(s)).join(', ')}]`;
  const lines = ['authorization {', '  users: ['];
  for (const [role, creds] of users) {
    const p = rolePermissions[role];
    lines.push(
      `    { user: ${q(creds.user)}, password: ${q(creds.password)}, permissions: {`,
      `        publish: { allow: ${list(p.publish)} }`,
      `        subscribe: { allow: ${list(p.subscribe)} }`,
      `        allow_responses: true`,
      `    } }`,
    );
  }
  lines.push('  ]', '}');
  return lines.join('\n');
}
