/**
 * The report of a run: what `runScenario` returns and `brightchain sim --json` prints. Fixed keys
 * below; every plugin adds one more key, its section (`gossip`, later `detection`,
 * `dissemination`, `replication`, `votes` …).
 */
import type { Seed } from '@brightchain/core';
import type { InvariantViolation } from './invariant';
import type { NemesisStats } from './nemesis';
import type { AnyStateMachine } from './protocol';
import type { NodeState, Simulation } from './simulation';

/** Message counters of a report. */
export interface MessageReport {
  /** Messages handed to the network. */
  readonly sent: number;
  /** Messages delivered to running nodes. */
  readonly delivered: number;
  /** Bytes handed to the network. */
  readonly bytesSent: number;
  /** Bytes delivered. */
  readonly bytesDelivered: number;
  /** Extra copies made by duplication. */
  readonly duplicated: number;
  /** Messages given a reordering delay. */
  readonly reordered: number;
  /** Messages lost, by cause. */
  readonly dropped: {
    readonly loss: number;
    readonly partition: number;
    readonly nodeDown: number;
    readonly overflow: number;
    readonly unknownDestination: number;
  };
  /** Messages still held by clogged nodes at the end. */
  readonly heldByClog: number;
  /** Sent messages and bytes per running node per simulated second. */
  readonly perNodePerSecond: { readonly count: number; readonly bytes: number };
}

/** The report of one run. */
export interface SimulationReport {
  /** The seed (numbers and strings as given; bytes as hex). Replaying it reproduces the run. */
  readonly seed: number | string;
  /** Nodes at the start. */
  readonly nodes: number;
  /** Scenario name (`'manual'` for a hand-driven simulation). */
  readonly scenario: string;
  /** Protocol name. */
  readonly protocol: string;
  /** Simulated time covered (s). */
  readonly simulatedSeconds: number;
  /** Wall-clock time the run took (s), measured by the caller (0 if not measured). */
  readonly wallSeconds: number;
  /** simulatedSeconds / wallSeconds (null if not measured). */
  readonly speedup: number | null;
  /** Events processed. */
  readonly events: number;
  /** 16-hex-character trace hash: equal for equal seeds (determinism check, not security). */
  readonly traceHash: string;
  /** Message counters. */
  readonly messages: MessageReport;
  /** Nodes per state at the end (joined nodes included). */
  readonly nodeStates: Readonly<Record<NodeState, number>>;
  /** What the nemesis did. */
  readonly faults: NemesisStats;
  /** Invariants checked and those violated (with seed and time). */
  readonly invariants: {
    readonly checked: readonly string[];
    readonly violated: readonly InvariantViolation[];
  };
  /** Plugin sections, by plugin name. */
  readonly [section: string]: unknown;
}

/** What the caller knows that the simulation does not. */
export interface ReportContext {
  /** Scenario name (default `'manual'`). */
  readonly scenario?: string;
  /** Wall time of the run in seconds (default 0: not measured). */
  readonly wallSeconds?: number;
}

function seedForReport(seed: Seed): number | string {
  if (typeof seed === 'number' || typeof seed === 'string') return seed;
  return Buffer.from(seed).toString('hex');
}

/**
 * Finishes `sim` (end-of-run invariants) and assembles its report.
 *
 * @example
 * ```ts
 * sim.run(60_000);
 * const report = buildReport(sim, { scenario: 'my-test' });
 * console.log(report.traceHash, report.invariants.violated);
 * ```
 */
export function buildReport<Machine extends AnyStateMachine>(
  sim: Simulation<Machine>,
  context: ReportContext = {},
): SimulationReport {
  const violated = sim.finish();
  const stats = sim.stats();
  const network = stats.network;
  const wallSeconds = context.wallSeconds ?? 0;
  const simulatedSeconds = sim.now / 1000;
  const nodeSeconds = stats.liveNodeSeconds;
  const nodeStates: Record<NodeState, number> = { up: 0, paused: 0, crashed: 0, stopped: 0 };
  for (let i = 0; i < sim.nodeCount; i++) nodeStates[sim.stateOfNode(i)]++;
  return {
    seed: seedForReport(sim.seed),
    nodes: sim.initialNodes,
    scenario: context.scenario ?? 'manual',
    protocol: sim.protocol.name,
    simulatedSeconds,
    wallSeconds,
    speedup: wallSeconds > 0 ? simulatedSeconds / wallSeconds : null,
    events: stats.events,
    traceHash: sim.traceHash,
    messages: {
      sent: network.sent,
      delivered: network.delivered,
      bytesSent: network.bytesSent,
      bytesDelivered: network.bytesDelivered,
      duplicated: network.duplicated,
      reordered: network.reordered,
      dropped: {
        loss: network.droppedLoss,
        partition: network.droppedPartition,
        nodeDown: network.droppedNodeDown,
        overflow: network.droppedOverflow,
        unknownDestination: stats.unknownDestinations,
      },
      heldByClog: network.clogged,
      perNodePerSecond: {
        count: nodeSeconds > 0 ? network.sent / nodeSeconds : 0,
        bytes: nodeSeconds > 0 ? network.bytesSent / nodeSeconds : 0,
      },
    },
    nodeStates,
    faults: stats.faults,
    invariants: { checked: sim.invariantNames, violated },
    ...sim.pluginSections(),
  };
}
