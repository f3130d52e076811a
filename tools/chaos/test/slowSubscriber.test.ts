import { describe, it } from 'vitest';
import { slowSubscriber } from '../src/scenarios/slowSubscriber.js';
import { expectRowHolds } from './expectRow.js';

describe('slow subscriber', () => {
  it('drops subscribers that never read without growing any worker or the gateway', async () => {
    expectRowHolds(await slowSubscriber.run({ size: 'ci', log: (line) => console.log(line) }));
  }, 120_000);
});
