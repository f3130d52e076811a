import { type ActorQuerySubject, parseActorQuerySubject } from './actorSubjects.js';
import { badSubject } from './badSubject.js';
import { type ControlSubject, parseControlSubject } from './controlSubjects.js';
import {
  type CandleSubject,
  parseCandleSubject,
  parseTickSubject,
  type TickSubject,
} from './marketSubjects.js';
import { parseSystemSubject, type SystemSubject } from './systemSubjects.js';

/** Any Ballast subject, parsed; `kind` names its family (`md.tick`, `ctl.breaker`, ...). */
export type ParsedSubject =
  | TickSubject
  | CandleSubject
  | ActorQuerySubject
  | ControlSubject
  | SystemSubject;

/**
 * Parses any Ballast subject, e.g. for a CLI that prints whatever it receives.
 *
 * @throws {ProtocolError} `bad_subject` when it is none of them
 * @example
 * const parsed = parseSubject(msg.subject);
 * if (parsed.kind === 'md.tick') route(parsed.symbol);
 */
export function parseSubject(subject: string): ParsedSubject {
  if (typeof subject === 'string') {
    if (subject.startsWith('md.tick.')) return parseTickSubject(subject);
    if (subject.startsWith('md.candle.')) return parseCandleSubject(subject);
    if (subject.startsWith('actor.')) return parseActorQuerySubject(subject);
    if (subject.startsWith('ctl.')) return parseControlSubject(subject);
    if (subject.startsWith('sys.')) return parseSystemSubject(subject);
  }
  throw badSubject(
    subject,
    'a subject under md.tick, md.candle, actor, ctl or sys (see @ballast/protocol README)',
  );
}
