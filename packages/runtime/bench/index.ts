/**
 * Benchmarks of @ballast/runtime, each against a baseline or goal measured in the same run
 * (the machine is shared: absolute numbers move, ratios much less).
 * Run: `pnpm --filter @ballast/runtime build && pnpm --filter @ballast/runtime bench`.
 *
 * 1. ingest: ticks/s of a whole worker vs raw ordered consumers reading the same stream;
 * 2. recovery: SIGKILL of a worker holding 10k symbols, restart until every partition serves,
 *    and the events it must re-read vs the snapshot interval;
 * 3. latency tick -> candle at half the worker's live maximum (found by offering the rate of
 *    1), vs a core NATS echo;
 * 4. bytes a passivated symbol leaves in the worker's process, vs a live actor's.
 * Every server, worker and helper process is killed before its figure returns.
 */
import { reportFigures } from '@ballast/bench';
import { ingestFigures } from './ingestFigures.js';
import { latencyFigures } from './latencyFigures.js';
import { passivationFigures } from './passivationFigures.js';
import { recoveryFigures } from './recoveryFigures.js';

const ingest = await ingestFigures();
const recovery = await recoveryFigures();
const latency = await latencyFigures(ingest.pipelineRate);
const passivation = await passivationFigures();
await reportFigures('runtime', [...ingest.figures, ...recovery, ...latency, ...passivation]);
