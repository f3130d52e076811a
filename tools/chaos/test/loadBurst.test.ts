import { describe, it } from 'vitest';
import { loadBurst } from '../src/scenarios/loadBurst.js';
import { expectRowHolds } from './expectRow.js';

describe('load burst', () => {
  it('absorbs a 10x burst with backpressure and counted drops, drains the lag, keeps memory bounded', async () => {
    expectRowHolds(await loadBurst.run({ size: 'ci', log: (line) => console.log(line) }));
  }, 120_000);
});
