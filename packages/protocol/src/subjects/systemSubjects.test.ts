import { describe, expect, it } from 'vitest';
import { catchProtocolError } from '../../test/catchProtocolError.js';
import { inspectSubject, parseSystemSubject, systemSubjects } from './systemSubjects.js';

describe('systemSubjects', () => {
  it('names the fixed system subjects and their filters', () => {
    expect(systemSubjects).toEqual({
      errors: 'sys.errors',
      deadLetter: 'sys.deadletter',
      workers: 'sys.workers',
      allInspect: 'sys.inspect.*',
      all: 'sys.>',
    });
  });
});

describe('parseSystemSubject', () => {
  it('parses each fixed subject', () => {
    expect(parseSystemSubject('sys.errors')).toEqual({ kind: 'sys.errors' });
    expect(parseSystemSubject('sys.deadletter')).toEqual({ kind: 'sys.deadletter' });
    expect(parseSystemSubject('sys.workers')).toEqual({ kind: 'sys.workers' });
  });

  it('round-trips an inspect subject', () => {
    const subject = inspectSubject('worker-1');
    expect(subject).toBe('sys.inspect.worker-1');
    expect(parseSystemSubject(subject)).toEqual({ kind: 'sys.inspect', worker: 'worker-1' });
  });

  it.each(['sys.error', 'sys.inspect', 'sys.inspect.', 'sys.inspect.a.b', 'sys.inspect.>'])(
    'refuses %j',
    (subject) => {
      const error = catchProtocolError(() => parseSystemSubject(subject));
      expect(error.code).toBe('bad_subject');
      expect(error.subject).toBe(subject);
    },
  );

  it('refuses a bad worker name, naming it', () => {
    const error = catchProtocolError(() => inspectSubject('w\n1'));
    expect(error.message).toContain('worker name "w\\n1"');
  });
});
