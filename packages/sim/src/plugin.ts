/**
 * The extension point of the simulator: a plugin gets lifecycle hooks, can schedule work and add
 * invariants, and contributes one named section to the report (`detection`, `replication`, `votes`
 * …). Protocols bring their own plugins (`SimProtocol.plugins`); callers add more through
 * `SimulationOptions.plugins` or `runScenario(…, { plugins })`.
 */
import type { FaultAction } from './fault-schedule';
import type { AnyStateMachine } from './protocol';
import type { Simulation } from './simulation';

/** Why a node's lifecycle changed. */
export type NodeLifecycleCause =
  | 'start'
  | 'join'
  | 'crash'
  | 'disk-loss'
  | 'restart'
  | 'pause'
  | 'resume'
  | 'shutdown';

/**
 * A simulation plugin. Every hook is optional. Hooks run inside the simulation (at the simulated
 * time of the thing they observe) and must be deterministic: no wall clock, no `Math.random` — use
 * `sim.random(label)`.
 *
 * @example
 * ```ts
 * let crashes = 0;
 * const crashCounter: SimulationPlugin = {
 *   name: 'crashes',
 *   onNodeLifecycle: (_sim, _node, cause) => {
 *     if (cause === 'crash') crashes++;
 *   },
 *   report: () => ({ crashes }),
 * };
 * runScenario('crash', { seed: 1, nodes: 100, durationSeconds: 60, plugins: [crashCounter] }).crashes; // { crashes: 5 }
 * ```
 */
export interface SimulationPlugin<Machine extends AnyStateMachine = AnyStateMachine> {
  /** The report section name (unique per simulation; must not be a built-in report key). */
  readonly name: string;
  /** Called once before the first event: schedule workload, add invariants. */
  setup?(sim: Simulation<Machine>): void;
  /** Called for every event a node's core surfaces in a Ready batch. */
  onNodeEvent?(sim: Simulation<Machine>, node: number, event: unknown): void;
  /** Called after a node starts, joins, crashes, loses its disk, restarts, pauses, resumes or shuts down. */
  onNodeLifecycle?(sim: Simulation<Machine>, node: number, cause: NodeLifecycleCause): void;
  /** Called after the nemesis applies a scheduled fault action. */
  onFault?(sim: Simulation<Machine>, action: FaultAction): void;
  /** Called once when the run finishes, before the end-of-run invariant checks. */
  onFinish?(sim: Simulation<Machine>): void;
  /** This plugin's section of the report (JSON-serialisable). */
  report?(sim: Simulation<Machine>): unknown;
}
