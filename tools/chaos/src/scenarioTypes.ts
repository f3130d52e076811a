/** How big a run is: `ci` fits the test suite's time budget, `full` is the published run. */
export type ScenarioSize = 'ci' | 'full';

/** One invariant a scenario checked, with what it saw. */
export interface ScenarioCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** A scenario's line in the summary table, with the invariants behind it. */
export interface ScenarioRow {
  readonly scenario: string;
  readonly size: ScenarioSize;
  /** What was injected, e.g. `20 × SIGKILL`. */
  readonly faults: string;
  readonly faultsInjected: number;
  /** Events the scenario sent (ticks, malformed messages, attempts). */
  readonly events: number;
  /** Events in the log never applied (by the clean fold's count); `null` when not applicable. */
  readonly lost: number | null;
  /** Events applied more often than the clean fold applies them; `null` when not applicable. */
  readonly appliedTwice: number | null;
  /** Symbols whose owner never answered the audit: lost and applied twice are then unknown. */
  readonly silentSymbols: number;
  /** Highest RSS of any process under test (workers, gateway), MB; `null` when none ran. */
  readonly maxRssMb: number | null;
  /** Recovery times (what "recovered" means is in the notes), ms; `null` when none. */
  readonly recoveryP50Ms: number | null;
  readonly recoveryP99Ms: number | null;
  readonly notes: readonly string[];
  readonly checks: readonly ScenarioCheck[];
  readonly durationMs: number;
}

/** What a scenario gets from the runner. */
export interface ScenarioContext {
  readonly size: ScenarioSize;
  /** Progress lines (stderr in the runner, the test log in CI). */
  readonly log: (line: string) => void;
}

/** One reliability scenario. */
export interface Scenario {
  /** Short id for `--only`, e.g. `worker-crashes`. */
  readonly id: string;
  readonly title: string;
  run(context: ScenarioContext): Promise<ScenarioRow>;
}
