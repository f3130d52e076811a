import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, SimulatedClock, setup } from 'xstate';
import { settle } from '../../test/support/clock.js';
import { superviseActor } from './superviseActor.js';
import type { SupervisorEvent } from './supervisorTypes.js';

describe('superviseActor', () => {
  it('turns a rejected promise actor into CHILD_FAILED with error and cause', async () => {
    const sent: SupervisorEvent[] = [];
    const task = createActor(
      fromPromise(() =>
        Promise.reject(
          new Error('snapshot write failed', { cause: { code: 'ENOSPC', message: 'disk full' } }),
        ),
      ),
      { id: 'task:snapshots' },
    );
    superviseActor(task, { send: (event) => sent.push(event) }, { kind: 'task' });
    task.start();
    await settle();
    expect(sent).toEqual([
      {
        type: 'CHILD_FAILED',
        id: 'task:snapshots',
        kind: 'task',
        state: 'error',
        error: { message: 'snapshot write failed', name: 'Error' },
        cause: { message: 'disk full', code: 'ENOSPC' },
      },
    ]);
  });

  it('reports the state a machine was in when its action threw, and an unhandled invoke rejection', async () => {
    const sent: SupervisorEvent[] = [];
    const machine = setup({
      actors: { load: fromPromise(() => Promise.reject(new Error('load failed'))) },
    }).createMachine({
      initial: 'live',
      states: {
        live: {
          on: {
            TICK: {
              actions: () => {
                throw new TypeError('bad tick');
              },
            },
            LOAD: 'loading',
          },
        },
        loading: { invoke: { id: 'load', src: 'load' } },
      },
    });
    const throwing = createActor(machine, { id: 'sym:BTC', clock: new SimulatedClock() }).start();
    superviseActor(throwing, { send: (event) => sent.push(event) }, { kind: 'symbolCache' });
    throwing.send({ type: 'TICK' });
    expect(sent[0]).toMatchObject({
      id: 'sym:BTC',
      state: '"live"',
      error: { message: 'bad tick', name: 'TypeError' },
    });

    const loading = createActor(machine, { id: 'sym:ETH' }).start();
    superviseActor(
      loading,
      { send: (event) => sent.push(event) },
      { kind: 'symbolCache', id: 'ETH' },
    );
    loading.send({ type: 'LOAD' });
    await settle();
    expect(sent[1]).toMatchObject({
      id: 'ETH',
      state: '"loading"',
      error: { message: 'load failed' },
    });
  });
});
