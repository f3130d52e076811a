#!/usr/bin/env node
// The last step of `pnpm bench`: collects bench-results/*.json into docs/benchmarks.md and
// docs/bench/results.json. Run after the suites (turbo run bench); needs tools/bench built.
import { workspaceRoot, writeBenchReport } from '../dist/index.js';

try {
  const report = await writeBenchReport({ root: workspaceRoot() });
  console.log(
    `bench-report: ${report.figures} figures from ${report.suites} suites -> ${report.markdown}, ${report.json}`,
  );
} catch (error) {
  console.error(`bench-report: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
