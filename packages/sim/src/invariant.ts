/**
 * Invariants: properties checked while a simulation runs and when it ends. A violation records the
 * seed and the simulated time at which it was first seen, so the failure can be replayed exactly
 * (`new Simulation({ ...sameOptions, seed })` and `run(timeMs)`).
 */
import type { Seed } from '@brightchain/core';
import type { AnyStateMachine } from './protocol';
import type { Simulation } from './simulation';

/**
 * A property of a running simulation.
 *
 * @example
 * ```ts
 * const quorumAlive: Invariant = {
 *   name: 'majority-up',
 *   check: (sim) => (sim.liveNodes().length * 2 > sim.nodeCount ? undefined : 'lost the majority'),
 * };
 * ```
 */
export interface Invariant<Machine extends AnyStateMachine = AnyStateMachine> {
  /** Stable name, reported in `invariants.checked` / `invariants.violated`. */
  readonly name: string;
  /**
   * `'always'` (default): checked every `checkIntervalMs` of simulated time and at the end;
   * `'end'`: only when the run finishes (liveness properties such as convergence).
   */
  readonly when?: 'always' | 'end';
  /** Returns `undefined` when the property holds, else a message saying what is wrong. */
  check(sim: Simulation<Machine>): string | undefined;
}

/** One broken invariant, as first observed. */
export interface InvariantViolation {
  /** The invariant's name. */
  readonly invariant: string;
  /** What was wrong. */
  readonly message: string;
  /** The seed of the run: replaying it reproduces the violation. */
  readonly seed: Seed;
  /** Simulated time (ms) at which it was first observed. */
  readonly timeMs: number;
  /** Number of events processed when it was observed. */
  readonly event: number;
  /** The trace hash at that moment (equal on replay). */
  readonly traceHash: string;
  /** How many times it was observed (checks that failed, or reports). */
  readonly occurrences: number;
  /** Structured context from the checker. */
  readonly details?: Readonly<Record<string, unknown>>;
}
