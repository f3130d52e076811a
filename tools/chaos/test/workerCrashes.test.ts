import { describe, it } from 'vitest';
import { workerCrashes } from '../src/scenarios/workerCrashes.js';
import { expectRowHolds } from './expectRow.js';

describe('worker crashes', () => {
  it('recovers every partition after each SIGKILL; digests equal the clean fold, nothing lost or applied twice', async () => {
    expectRowHolds(await workerCrashes.run({ size: 'ci', log: (line) => console.log(line) }));
  }, 120_000);
});
