import type { ScenarioCheck, ScenarioRow, ScenarioSize } from '../scenarioTypes.js';
import type { AuditResult } from './digestAudit.js';
import { percentile } from './percentile.js';

/**
 * Collects a scenario's checks and notes as it runs and builds its row at the end.
 *
 * @example
 * const row = new RowBuilder('worker crashes', 'ci');
 * row.check('digests equal the clean fold', audit.mismatchCount === 0, audit.mismatches.join('; '));
 * return row.build({ faults: '5 × SIGKILL', faultsInjected: 5, events, lost, appliedTwice, ... });
 */
export class RowBuilder {
  readonly #scenario: string;
  readonly #size: ScenarioSize;
  readonly #started = performance.now();
  readonly checks: ScenarioCheck[] = [];
  readonly notes: string[] = [];

  constructor(scenario: string, size: ScenarioSize) {
    this.#scenario = scenario;
    this.#size = size;
  }

  /** Records an invariant; `detail` says what was seen (shown when it fails, and in the JSON). */
  check(name: string, ok: boolean, detail = ''): boolean {
    this.checks.push({ name, ok, detail });
    return ok;
  }

  /**
   * A "memory flat" check: the RSS spread (max − min within a window) at most `boundMb`.
   *
   * @param what - the check's name; the bound is appended to it
   * @example
   * row.checkRssSpread('worker RSS flat while down', rss.windowSpreadMb(), 64);
   */
  checkRssSpread(what: string, spreadMb: number, boundMb: number): boolean {
    return this.check(
      `${what} (max − min ≤ ${boundMb} MB)`,
      spreadMb <= boundMb,
      `${spreadMb.toFixed(1)} MB`,
    );
  }

  note(text: string): void {
    this.notes.push(text);
  }

  /**
   * The three checks of a book audit: digests equal the clean fold, nothing lost, nothing
   * applied twice. A symbol whose owner never answered fails all three: its book is unknown.
   * `context` is appended to the digest check's detail (e.g. the workers' states).
   */
  checkBooks(audit: AuditResult, context = ''): void {
    const silent = audit.unanswered > 0 ? `; ${audit.unanswered} symbols never answered` : '';
    this.check(
      'every digest equals the clean fold',
      audit.mismatchCount === 0,
      `${audit.mismatchCount} of ${audit.symbols} differ: ${audit.mismatches.join('; ')}${context && `; ${context}`}`,
    );
    this.check(
      'nothing lost',
      audit.lost === 0 && audit.unanswered === 0,
      `${audit.lost} ticks missing from the books that answered${silent}`,
    );
    this.check(
      'nothing applied twice',
      audit.appliedTwice === 0 && audit.unanswered === 0,
      `${audit.appliedTwice} ticks beyond the clean fold in the books that answered${silent}`,
    );
  }

  build(fields: {
    faults: string;
    faultsInjected: number;
    events: number;
    lost: number | null;
    appliedTwice: number | null;
    silentSymbols?: number;
    maxRssMb: number | null;
    recoveriesMs: readonly number[];
  }): ScenarioRow {
    return {
      scenario: this.#scenario,
      size: this.#size,
      faults: fields.faults,
      faultsInjected: fields.faultsInjected,
      events: fields.events,
      lost: fields.lost,
      appliedTwice: fields.appliedTwice,
      silentSymbols: fields.silentSymbols ?? 0,
      maxRssMb: fields.maxRssMb === null ? null : Math.round(fields.maxRssMb),
      recoveryP50Ms: round(percentile(fields.recoveriesMs, 50)),
      recoveryP99Ms: round(percentile(fields.recoveriesMs, 99)),
      notes: this.notes,
      checks: this.checks,
      durationMs: Math.round(performance.now() - this.#started),
    };
  }
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value);
}
