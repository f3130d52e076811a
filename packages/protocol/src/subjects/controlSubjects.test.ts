import { describe, expect, it } from 'vitest';
import { catchProtocolError } from '../../test/catchProtocolError.js';
import { breakerControlSubject, controlSubjects, parseControlSubject } from './controlSubjects.js';

describe('controlSubjects', () => {
  it('names the fixed control subjects and their filters', () => {
    expect(controlSubjects).toEqual({
      reload: 'ctl.reload',
      inspect: 'ctl.inspect',
      instruments: 'ctl.instruments',
      allBreakers: 'ctl.breaker.*',
      all: 'ctl.>',
    });
    expect(Object.isFrozen(controlSubjects)).toBe(true);
  });
});

describe('parseControlSubject', () => {
  it('parses each fixed subject', () => {
    expect(parseControlSubject('ctl.reload')).toEqual({ kind: 'ctl.reload' });
    expect(parseControlSubject('ctl.inspect')).toEqual({ kind: 'ctl.inspect' });
    expect(parseControlSubject('ctl.instruments')).toEqual({ kind: 'ctl.instruments' });
  });

  it('round-trips a breaker subject', () => {
    const subject = breakerControlSubject('candlePublish');
    expect(subject).toBe('ctl.breaker.candlePublish');
    expect(parseControlSubject(subject)).toEqual({ kind: 'ctl.breaker', name: 'candlePublish' });
  });

  it.each(['ctl.reboot', 'ctl.breaker', 'ctl.breaker.', 'ctl.breaker.a.b', 'ctl.breaker.*', 'ctl'])(
    'refuses %j',
    (subject) => {
      const error = catchProtocolError(() => parseControlSubject(subject));
      expect(error.code).toBe('bad_subject');
      expect(error.subject).toBe(subject);
    },
  );

  it('refuses a bad breaker name, naming it', () => {
    const error = catchProtocolError(() => breakerControlSubject('a b'));
    expect(error.code).toBe('bad_subject');
    expect(error.message).toContain('breaker name "a b"');
  });
});
