/**
 * The JSON the dashboard API serves: one consistent picture of a running simulation.
 */
import type { NemesisStats, NodeState, Simulation } from '@brightchain/sim';
import type { InvariantViolation } from '@brightchain/sim';
import type { DashboardLogEntry, DashboardRecorder } from './dashboard-recorder';

/** One node in a snapshot. */
export interface DashboardNode {
  /** Index (0-based). */
  readonly index: number;
  /** GuidV4 id. */
  readonly id: string;
  /** Lifecycle state (`up`, `paused`, `crashed`, `stopped`). */
  readonly state: NodeState;
  /** Region name. */
  readonly region: string;
  /** Messages this node handed to the network. */
  readonly sent: number;
  /** Bytes this node handed to the network. */
  readonly bytesSent: number;
  /** Starts so far. */
  readonly incarnation: number;
  /** Simulated ms of its latest event or lifecycle change (`null`: none yet, or no recorder). */
  readonly lastEventMs: number | null;
}

/** One point of the rate series: rates over the simulated time since the previous point. */
export interface DashboardRatePoint {
  /** Simulated time (s). */
  readonly t: number;
  /** Messages sent per simulated second (whole network). */
  readonly messagesPerSecond: number;
  /** Bytes sent per running node per simulated second. */
  readonly bytesPerNodePerSecond: number;
}

/** What `GET /api/snapshot` returns and `GET /api/events` streams. */
export interface DashboardSnapshot {
  /** Scenario name (`'manual'` if not given). */
  readonly scenario: string;
  /** Protocol name. */
  readonly protocol: string;
  /** The seed, as a string. */
  readonly seed: string;
  /** Simulated time (ms). */
  readonly simulatedMs: number;
  /** Target simulated duration (ms), or `null` when the run is open-ended. */
  readonly durationMs: number | null;
  /** Wall time since the dashboard started (ms). */
  readonly wallMs: number;
  /** Simulated seconds per wall second. */
  readonly speed: number;
  /** True while paused. */
  readonly paused: boolean;
  /** True once the duration was reached. */
  readonly finished: boolean;
  /** Events processed. */
  readonly events: number;
  /** Events waiting. */
  readonly pendingEvents: number;
  /** Trace hash so far. */
  readonly traceHash: string;
  /** Network counters. */
  readonly messages: {
    readonly sent: number;
    readonly delivered: number;
    readonly bytesSent: number;
    readonly dropped: number;
  };
  /** Latest rate series (oldest first, bounded). */
  readonly rates: readonly DashboardRatePoint[];
  /** Nodes per state. */
  readonly nodeStates: Readonly<Record<NodeState, number>>;
  /** Nodes in the simulation (initial plus joined). */
  readonly nodeCount: number;
  /** The nodes with the lowest indices, at most `maxNodes` of them (all of them unless the run is huge). */
  readonly nodes: readonly DashboardNode[];
  /** What the nemesis applied. */
  readonly faults: NemesisStats;
  /** Latest lifecycle changes and faults (oldest first). */
  readonly log: readonly DashboardLogEntry[];
  /** Invariants checked and violated. */
  readonly invariants: {
    readonly checked: readonly string[];
    readonly violated: readonly InvariantViolation[];
  };
  /** Plugin report sections (gossip, …). */
  readonly sections: Readonly<Record<string, unknown>>;
}

/** Keeps the rate series of a simulation (one point per sample). */
export class RateSeries {
  private readonly points: DashboardRatePoint[] = [];
  private lastT = 0;
  private lastSent = 0;
  private lastBytes = 0;
  private lastNodeSeconds = 0;

  constructor(private readonly limit = 300) {}

  /** Adds a point for the simulated time since the previous sample (nothing if time did not move). */
  sample(sim: Simulation): void {
    const stats = sim.stats();
    const t = sim.now / 1000;
    const dt = t - this.lastT;
    if (!(dt > 0)) return;
    const nodeSeconds = stats.liveNodeSeconds - this.lastNodeSeconds;
    this.points.push({
      t,
      messagesPerSecond: (stats.network.sent - this.lastSent) / dt,
      bytesPerNodePerSecond: nodeSeconds > 0 ? (stats.network.bytesSent - this.lastBytes) / nodeSeconds : 0,
    });
    if (this.points.length > this.limit) this.points.shift();
    this.lastT = t;
    this.lastSent = stats.network.sent;
    this.lastBytes = stats.network.bytesSent;
    this.lastNodeSeconds = stats.liveNodeSeconds;
  }

  /** The points, oldest first. */
  list(): readonly DashboardRatePoint[] {
    return this.points.slice();
  }
}

/** What the snapshot needs besides the simulation. */
export interface SnapshotContext {
  readonly scenario: string;
  readonly durationMs: number | null;
  readonly wallMs: number;
  readonly speed: number;
  readonly paused: boolean;
  readonly finished: boolean;
  readonly rates: RateSeries;
  readonly recorder: DashboardRecorder | undefined;
  /** Nodes listed in `nodes` at most. */
  readonly maxNodes: number;
}

function seedText(seed: Simulation['seed']): string {
  return typeof seed === 'number' || typeof seed === 'string'
    ? String(seed)
    : Buffer.from(seed).toString('hex');
}

/** Builds a snapshot of `sim` (reads only; never changes the simulation). */
export function buildSnapshot(sim: Simulation, context: SnapshotContext): DashboardSnapshot {
  const stats = sim.stats();
  const network = stats.network;
  const nodeStates: Record<NodeState, number> = { up: 0, paused: 0, crashed: 0, stopped: 0 };
  const nodes: DashboardNode[] = [];
  const count = sim.nodeCount;
  const listed = Math.min(count, context.maxNodes);
  for (let i = listed; i < count; i++) nodeStates[sim.stateOfNode(i)]++;
  for (let i = 0; i < listed; i++) {
    const node = sim.node(i);
    nodeStates[node.state]++;
    nodes.push({
      index: i,
      id: node.id,
      state: node.state,
      region: node.region,
      sent: node.sent,
      bytesSent: node.bytesSent,
      incarnation: node.incarnation,
      lastEventMs: context.recorder?.lastEventMs(i) ?? null,
    });
  }
  const sections = sim.pluginSections();
  return {
    scenario: context.scenario,
    protocol: sim.protocol.name,
    seed: seedText(sim.seed),
    simulatedMs: sim.now,
    durationMs: context.durationMs,
    wallMs: context.wallMs,
    speed: context.speed,
    paused: context.paused,
    finished: context.finished,
    events: stats.events,
    pendingEvents: sim.pendingEvents,
    traceHash: sim.traceHash,
    messages: {
      sent: network.sent,
      delivered: network.delivered,
      bytesSent: network.bytesSent,
      dropped:
        network.droppedLoss + network.droppedPartition + network.droppedNodeDown + network.droppedOverflow,
    },
    rates: context.rates.list(),
    nodeStates,
    nodeCount: count,
    nodes,
    faults: stats.faults,
    log: context.recorder?.log() ?? [],
    invariants: { checked: sim.invariantNames, violated: sim.violations },
    sections,
  };
}
