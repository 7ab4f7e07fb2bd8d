/**
 * A simulation plugin that records what the dashboard shows besides the simulation's own
 * counters: when each node last surfaced an event, and a bounded log of lifecycle changes and
 * applied faults. It only observes (no randomness, no scheduling), so it never changes a run's
 * trace hash.
 */
import { BrightChainError } from '@brightchain/core';
import type { FaultAction, NodeLifecycleCause, Simulation, SimulationPlugin } from '@brightchain/sim';
import { DashboardErrorCode } from './error-codes';

/** One line of the dashboard's event log. */
export interface DashboardLogEntry {
  /** Sequence number (increasing, starting at 1). */
  readonly seq: number;
  /** Simulated time (ms). */
  readonly timeMs: number;
  /** `'lifecycle'` (a node started, crashed, restarted …) or `'fault'` (the nemesis applied an action). */
  readonly kind: 'lifecycle' | 'fault';
  /** The node, for lifecycle entries. */
  readonly node?: number;
  /** What happened: the lifecycle cause or the fault type. */
  readonly what: string;
}

/**
 * Records last-event times per node and a log of the latest lifecycle changes and faults.
 *
 * @example
 * ```ts
 * const recorder = new DashboardRecorder();
 * const simulation = new Simulation({ seed: 1, nodes: 50, protocol: gossipProtocol, plugins: [recorder] });
 * simulation.run(10_000);
 * recorder.lastEventMs(3); // simulated ms of node 3's latest event, or null
 * ```
 */
export class DashboardRecorder implements SimulationPlugin {
  /** Plugin name (the report section stays empty: the plugin has no `report`). */
  readonly name = 'dashboard';
  private readonly lastEvent: number[] = [];
  private readonly entries: DashboardLogEntry[] = [];
  private seq = 0;

  /**
   * @param logLimit entries kept (the oldest are dropped; default 500)
   * @throws BrightChainError `BC_DASHBOARD_OPTIONS_INVALID` for a `logLimit` that is not a positive integer
   */
  constructor(private readonly logLimit = 500) {
    if (!Number.isSafeInteger(logLimit) || logLimit < 1) {
      throw new BrightChainError(DashboardErrorCode.OPTIONS_INVALID, 'logLimit must be a positive integer', {
        details: { logLimit },
      });
    }
  }

  /** @internal plugin hook */
  onNodeEvent(sim: Simulation, node: number): void {
    this.lastEvent[node] = sim.now;
  }

  /** @internal plugin hook */
  onNodeLifecycle(sim: Simulation, node: number, cause: NodeLifecycleCause): void {
    this.lastEvent[node] = sim.now;
    if (cause !== 'start') this.push({ timeMs: sim.now, kind: 'lifecycle', node, what: cause });
  }

  /** @internal plugin hook */
  onFault(sim: Simulation, action: FaultAction): void {
    this.push({ timeMs: sim.now, kind: 'fault', what: action.type });
  }

  /** Simulated ms of node `index`'s latest event or lifecycle change, or `null` if none yet. */
  lastEventMs(index: number): number | null {
    return this.lastEvent[index] ?? null;
  }

  /** The log, oldest first (at most `logLimit` entries). */
  log(): readonly DashboardLogEntry[] {
    return this.entries.slice();
  }

  private push(entry: Omit<DashboardLogEntry, 'seq'>): void {
    this.seq++;
    this.entries.push({ seq: this.seq, ...entry });
    if (this.entries.length > this.logLimit) this.entries.splice(0, this.entries.length - this.logLimit);
  }
}
