import { describe, expect, it } from 'vitest';
import { assign, createMachine, fromPromise, setup } from 'xstate';
import { toMermaid } from './toMermaid.js';

describe('toMermaid', () => {
  const machine = setup({
    actors: { fetchQuote: fromPromise(async () => 1) },
    guards: { hasBudget: () => true },
    actions: { count: assign({}) },
  }).createMachine({
    id: 'demo',
    initial: 'idle',
    on: { STOP: '.done' },
    states: {
      idle: {
        description: 'Waiting; nothing # to do',
        on: { GO: { target: 'busy', guard: 'hasBudget' } },
      },
      busy: {
        initial: 'fetching',
        states: {
          fetching: {
            invoke: { id: 'quote', src: 'fetchQuote', onDone: 'resting', onError: '#demo.idle' },
          },
          resting: { after: { 500: 'fetching' }, on: { PING: { actions: 'count' } } },
        },
        always: { guard: 'hasBudget', target: 'idle', reenter: true },
      },
      done: { type: 'final' },
    },
  });

  it('renders states, initial and final states, invokes and every transition', () => {
    expect(toMermaid(machine)).toBe(
      [
        'stateDiagram-v2',
        '  [*] --> idle',
        '  idle : Waiting, nothing to do',
        '  state busy {',
        '    [*] --> busy__fetching',
        '    state "fetching" as busy__fetching',
        '    busy__fetching : invokes quote (fetchQuote)',
        '    state "resting" as busy__resting',
        '  }',
        '  done --> [*]',
        '  idle --> busy : GO [hasBudget]',
        '  busy --> idle : always [hasBudget] (re-enter)',
        '  busy__fetching --> busy__resting : done(quote)',
        '  busy__fetching --> idle : error(quote)',
        '  busy__resting --> busy__resting : PING / count',
        '  busy__resting --> busy__fetching : after 500ms',
        '  idle --> done : STOP',
        '  busy --> done : STOP',
        '  done --> done : STOP',
        '',
      ].join('\n'),
    );
  });

  it('can leave actions out', () => {
    expect(toMermaid(machine, { actions: false })).toContain(
      'busy__resting --> busy__resting : PING\n',
    );
  });

  it('renders a machine without nested states', () => {
    const flat = createMachine({ initial: 'a', states: { a: { on: { X: 'b' } }, b: {} } });
    expect(toMermaid(flat)).toBe('stateDiagram-v2\n  [*] --> a\n  a --> b : X\n');
  });
});
