import { assertToken } from '../subjectToken.js';
import { badSubject, splitSubject } from './badSubject.js';

/** A parsed `actor.<kind>.<id>.query` subject. */
export interface ActorQuerySubject {
  readonly kind: 'actor.query';
  /** The actor's kind, e.g. `symbolCache`. */
  readonly actorKind: string;
  /** The actor's id within its kind, e.g. a symbol. */
  readonly id: string;
}

const queryShape = 'actor.<kind>.<id>.query';

/**
 * The request subject an actor answers state queries on.
 *
 * @throws {ProtocolError} `bad_subject` when `kind` or `id` is not a valid token
 * @example
 * actorQuerySubject('symbolCache', 'AAPL'); // 'actor.symbolCache.AAPL.query'
 */
export function actorQuerySubject(kind: string, id: string): string {
  assertToken(kind, 'actor kind');
  assertToken(id, 'actor id');
  return `actor.${kind}.${id}.query`;
}

/**
 * Parses an actor query subject.
 *
 * @throws {ProtocolError} `bad_subject`, naming the subject and what is wrong with it
 * @example
 * parseActorQuerySubject('actor.symbolCache.AAPL.query').id; // 'AAPL'
 */
export function parseActorQuerySubject(subject: string): ActorQuerySubject {
  const [, actorKind, id, last] = splitSubject(subject, 4, ['actor'], queryShape);
  if (last !== 'query') throw badSubject(subject, queryShape);
  assertToken(actorKind, 'actor kind', subject);
  assertToken(id, 'actor id', subject);
  return { kind: 'actor.query', actorKind, id };
}

/**
 * The filter a worker subscribes with to serve queries: for one actor kind, or all kinds.
 *
 * @example
 * actorQueryFilter('symbolCache'); // 'actor.symbolCache.*.query'
 * actorQueryFilter(); // 'actor.*.*.query'
 */
export function actorQueryFilter(kind?: string): string {
  if (kind === undefined) return 'actor.*.*.query';
  assertToken(kind, 'actor kind');
  return `actor.${kind}.*.query`;
}
