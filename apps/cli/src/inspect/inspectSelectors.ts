import { encodeControl } from '@ballast/protocol';
import { type InspectKind, inspectKinds, isInspectKind } from '@ballast/runtime';
import { InvalidArgumentError } from 'commander';

/** One selection `ballast inspect` asks the workers for: an actor kind, and an id or all. */
export interface InspectSelection {
  readonly actorKind: InspectKind;
  /** Absent: every actor of the kind. */
  readonly actorId?: string;
}

const kindList = inspectKinds.join(', ');

/**
 * Parses `--actor <kind>/<id>` (e.g. `symbol/AAPL`, `breaker/candleSink`, `reloader/w1`);
 * a bad value exits 2 with the reason.
 *
 * @example
 * parseActorFlag('symbol/AAPL'); // { actorKind: 'symbol', actorId: 'AAPL' }
 */
export function parseActorFlag(text: string): InspectSelection {
  const slash = text.indexOf('/');
  if (slash <= 0 || slash === text.length - 1) {
    throw new InvalidArgumentError(
      `--actor takes <kind>/<id>, e.g. symbol/AAPL or breaker/candleSink; got "${text}"`,
    );
  }
  const actorKind = kind(text.slice(0, slash), '--actor');
  const actorId = text.slice(slash + 1);
  checkToken(actorId, `--actor ${text}`);
  return { actorKind, actorId };
}

/**
 * Parses `--kind a,b`: every actor of each kind.
 *
 * @example
 * parseKindsFlag('breaker,reloader'); // [{ actorKind: 'breaker' }, { actorKind: 'reloader' }]
 */
export function parseKindsFlag(text: string): InspectSelection[] {
  const kinds = text
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  if (kinds.length === 0) throw new InvalidArgumentError(`--kind takes a list of ${kindList}`);
  return [...new Set(kinds)].map((k) => ({ actorKind: kind(k, '--kind') }));
}

/**
 * The label of a selection in messages: `symbol/AAPL`, `breaker/*`.
 *
 * @example
 * selectionLabel({ actorKind: 'breaker' }); // 'breaker/*'
 */
export function selectionLabel(selection: InspectSelection): string {
  return `${selection.actorKind}/${selection.actorId ?? '*'}`;
}

function kind(text: string, flag: string): InspectKind {
  if (isInspectKind(text)) return text;
  throw new InvalidArgumentError(`${flag}: unknown actor kind "${text}"; kinds are ${kindList}`);
}

function checkToken(id: string, what: string): void {
  try {
    // The protocol's own check: the workers decode the same field.
    encodeControl({ v: 1, type: 'inspect', enabled: true, actorId: id, at: Date.now() });
  } catch (error) {
    throw new InvalidArgumentError(`${what}: ${(error as Error).message}`);
  }
}
