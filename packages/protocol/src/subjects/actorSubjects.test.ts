import { describe, expect, it } from 'vitest';
import { catchProtocolError } from '../../test/catchProtocolError.js';
import { actorQueryFilter, actorQuerySubject, parseActorQuerySubject } from './actorSubjects.js';

describe('actorQuerySubject', () => {
  it('round-trips through parseActorQuerySubject', () => {
    const subject = actorQuerySubject('symbolCache', 'BTC-USD');
    expect(subject).toBe('actor.symbolCache.BTC-USD.query');
    expect(parseActorQuerySubject(subject)).toEqual({
      kind: 'actor.query',
      actorKind: 'symbolCache',
      id: 'BTC-USD',
    });
  });

  it.each([
    ['a.b', 'x', 'actor kind'],
    ['k', 'a b', 'actor id'],
    ['', 'x', 'actor kind'],
    ['k', '*', 'actor id'],
  ])('refuses kind %j / id %j, naming the %s', (kind, id, what) => {
    const error = catchProtocolError(() => actorQuerySubject(kind, id));
    expect(error.code).toBe('bad_subject');
    expect(error.message).toContain(what);
  });
});

describe('parseActorQuerySubject', () => {
  it.each([
    'actor.k.id',
    'actor.k.id.state',
    'actor.k.id.query.x',
    'actors.k.id.query',
    'actor..id.query',
    'actor.k.>.query',
  ])('refuses %j', (subject) => {
    const error = catchProtocolError(() => parseActorQuerySubject(subject));
    expect(error.code).toBe('bad_subject');
    expect(error.subject).toBe(subject);
  });
});

describe('actorQueryFilter', () => {
  it('filters one kind or all kinds', () => {
    expect(actorQueryFilter('symbolCache')).toBe('actor.symbolCache.*.query');
    expect(actorQueryFilter()).toBe('actor.*.*.query');
  });

  it('refuses a bad kind', () => {
    expect(catchProtocolError(() => actorQueryFilter('a>b')).code).toBe('bad_subject');
  });
});
