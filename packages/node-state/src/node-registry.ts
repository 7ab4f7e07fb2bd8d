/**
 * `NodeRegistry`: one node's view of every other node — the seed's node registry with its three
 * concerns, sans-I/O:
 *
 * - **discovery**: nodes appear and update through {@link NodeAnnouncement}s (a validated
 *   `NodeStatus` with a per-node sequence number; stale announcements are ignored);
 * - **health checking**: state (announced, or observed locally: `reportFailure` from membership,
 *   the down-out timer) plus a {@link PhiAccrualDetector} per node fed by `heartbeat`, which emits
 *   `failurePredicted` when φ crosses the suspicion level — the "predicted node failure"
 *   replication trigger;
 * - **capability advertising**: queries by state, type, region, specialisation, readability,
 *   writability with free space, score and standing, and phi availability.
 *
 * Reliability is never taken from a node's own word: the registry keeps its own
 * `ReliabilityState` per node from outcomes and latencies the host reports and from the uptime it
 * observes (announced, drained downtime within its announced duration is neutral). Storage figures,
 * capabilities and credits are the node's announcement.
 *
 * State changes follow the transition table. Announcements may skip states whose gossip was lost,
 * so an announced state is accepted when it is reachable (everything except leaving
 * `PERMANENTLY_OFFLINE`, which raises `BC_NODE_RETIRED`: forget the node first to re-admit it).
 */
import { BrightChainError, type GuidV4, isGuidV4, type Ready, ReadyBuilder } from '@brightchain/core';
import { NodeStateErrorCode } from './error-codes';
import { InputIssues } from './input-issues';
import {
  copyCapabilities,
  type NodeCapabilities,
  type NodeType,
  sameCapabilities,
} from './node-capabilities';
import { DEFAULT_DOWN_OUT_INTERVAL_MS, downOutDeadline } from './node-lifecycle';
import { isNodeState, isRunningState, NodeState } from './node-state';
import { isLegalTransition, isReachableState } from './node-state-transitions';
import {
  collectNodeStatusIssues,
  copyNodeStatus,
  type NodeStatus,
  type PlannedDowntime,
} from './node-status';
import { canAcceptWrites, canServeReads } from './partial-availability';
import { PhiAccrualDetector, type PhiAccrualOptions, resolvePhiAccrualOptions } from './phi-accrual-detector';
import {
  DEFAULT_RELIABILITY_POLICY,
  initialReliability,
  RELIABILITY_STANDINGS,
  type ReliabilityOutcome,
  type ReliabilityPolicy,
  type ReliabilityStanding,
  type ReliabilityState,
  recordEmergencyShutdown,
  recordLatency,
  recordOutcome,
  recordUptime,
  summarizeReliability,
} from './reliability-score';

/** What a node tells the network about itself. */
export interface NodeAnnouncement {
  readonly nodeId: GuidV4;
  /** Increases with every announcement of this node (persist it, or derive it from time). */
  readonly sequence: number;
  readonly status: NodeStatus;
}

/** Options of a {@link NodeRegistry}. */
export interface NodeRegistryOptions {
  /** The registry's starting time (ms). */
  readonly now: number;
  /** Default 600 000 ms (Ceph's down-out interval). */
  readonly downOutIntervalMs?: number;
  /** Options of each node's phi accrual detector. */
  readonly phi?: Partial<PhiAccrualOptions>;
  /** φ at which `failurePredicted` is emitted. Default: the detector threshold (8). */
  readonly suspicionPhi?: number;
  readonly reliabilityPolicy?: ReliabilityPolicy;
}

/** One node as the registry sees it. */
export interface RegisteredNode {
  readonly nodeId: GuidV4;
  readonly sequence: number;
  readonly discoveredAt: number;
  readonly updatedAt: number;
  /**
   * The registry's view: its own state, `lastSeen` and reliability (counters and score); storage
   * figures, capabilities, credits and planned downtime as announced.
   */
  readonly status: NodeStatus;
  /** Exactly what the node last announced. */
  readonly announced: NodeStatus;
  /** The locally observed reliability state. */
  readonly reliability: ReliabilityState;
  /** True while φ is at or above the suspicion level. */
  readonly failurePredicted: boolean;
}

/** A node's health at the registry's current time. */
export interface NodeHealth {
  readonly nodeId: GuidV4;
  readonly state: NodeState;
  readonly phi: number;
  /** Running and φ below the detector threshold. */
  readonly available: boolean;
  readonly failurePredicted: boolean;
  readonly lastSeen: Date;
  readonly standing: ReliabilityStanding;
}

/** Registry query filters; all given filters must match. */
export interface NodeQuery {
  readonly states?: readonly NodeState[];
  readonly nodeType?: NodeType;
  /** The node's own region. */
  readonly region?: string;
  /** Must advertise every one of these. */
  readonly specialisations?: readonly string[];
  readonly storage?: boolean;
  readonly quorum?: boolean;
  /** `canServeReads` equals this. */
  readonly readable?: boolean;
  /** `true`, `false`, or the block's region and size for `canAcceptWrites`. */
  readonly writable?: boolean | { readonly blockRegion?: string; readonly minFreeBytes?: number };
  /** Locally observed score at least this. */
  readonly minScore?: number;
  readonly standings?: readonly ReliabilityStanding[];
  /** `true`: running with φ below the detector threshold; or below a given φ. */
  readonly available?: boolean | { readonly phiBelow: number };
  /** Result order: by node id (default) or by score, best first (ties by node id). */
  readonly orderBy?: 'nodeId' | 'score';
  /** At most this many results. */
  readonly limit?: number;
}

/** Every event a {@link NodeRegistry} emits. */
export type NodeRegistryEvent =
  | {
      readonly type: 'nodeDiscovered';
      readonly nodeId: GuidV4;
      readonly state: NodeState;
      readonly at: number;
    }
  | {
      readonly type: 'capabilitiesChanged';
      readonly nodeId: GuidV4;
      readonly capabilities: NodeCapabilities;
      readonly at: number;
    }
  | {
      readonly type: 'stateChanged';
      readonly nodeId: GuidV4;
      readonly from: NodeState;
      readonly to: NodeState;
      readonly reason: string;
      readonly at: number;
    }
  /** The node left without a drain; replication must recover everything it held. */
  | {
      readonly type: 'recoveryRequired';
      readonly nodeId: GuidV4;
      readonly reason: string;
      readonly at: number;
    }
  /** φ reached the suspicion level: a predicted failure (replication may pre-emptively copy). */
  | { readonly type: 'failurePredicted'; readonly nodeId: GuidV4; readonly phi: number; readonly at: number }
  | { readonly type: 'failurePredictionCleared'; readonly nodeId: GuidV4; readonly at: number }
  | { readonly type: 'nodeForgotten'; readonly nodeId: GuidV4; readonly at: number };

interface Entry {
  readonly nodeId: GuidV4;
  sequence: number;
  readonly discoveredAt: number;
  updatedAt: number;
  announced: NodeStatus;
  state: NodeState;
  stateSince: number;
  lastSeen: number;
  readonly detector: PhiAccrualDetector;
  reliability: ReliabilityState;
  uptimeAccountedTo: number;
  downOutDeadline: number | undefined;
  /** While OFFLINE / PERMANENTLY_OFFLINE after a scheduled shutdown: the downtime it announced. */
  offlinePlanned: PlannedDowntime | undefined;
  failurePredicted: boolean;
}

const ANNOUNCEMENT_KEYS = new Set(['nodeId', 'sequence', 'status']);

/**
 * Checks an announcement from the network and returns a frozen deep copy.
 *
 * @throws BrightChainError `BC_NODE_ANNOUNCEMENT_INVALID` with `details.issues` (status problems
 * are reported under `status.…`)
 * @example
 * ```ts
 * const announcement = validateNodeAnnouncement(decoded);
 * ```
 */
export function validateNodeAnnouncement(input: unknown): NodeAnnouncement {
  const issues = new InputIssues();
  const value = issues.object('', input);
  if (value !== undefined) {
    for (const key of Object.keys(value))
      if (!ANNOUNCEMENT_KEYS.has(key)) issues.add(key, 'is not an announcement field');
    if (!isGuidV4(value.nodeId)) issues.add('nodeId', 'must be a canonical lower-case GuidV4');
    issues.count('sequence', value.sequence);
    collectNodeStatusIssues(value.status, issues, 'status');
  }
  issues.throwIfAny(NodeStateErrorCode.NODE_ANNOUNCEMENT_INVALID, 'node announcement');
  const valid = input as NodeAnnouncement;
  return Object.freeze({
    nodeId: valid.nodeId,
    sequence: valid.sequence,
    status: copyNodeStatus(valid.status),
  });
}

function queryError(field: string, rule: string): BrightChainError {
  return new BrightChainError(NodeStateErrorCode.NODE_QUERY_INVALID, `query ${field} ${rule}`, {
    details: { field },
  });
}

/**
 * The registry of known nodes.
 *
 * @example
 * ```ts
 * const registry = new NodeRegistry({ now: clock.now() });
 * registry.announce(announcement, clock.now());
 * registry.heartbeat(nodeId, clock.now());
 * registry.tick(clock.now());
 * const targets = registry.query({ writable: { blockRegion: 'EU', minFreeBytes: size }, orderBy: 'score', limit: 5 });
 * for (const event of registry.ready().events) replication.onRegistryEvent(event);
 * ```
 */
export class NodeRegistry {
  readonly downOutIntervalMs: number;
  readonly phiOptions: PhiAccrualOptions;
  readonly suspicionPhi: number;
  readonly policy: ReliabilityPolicy;
  private readonly entries = new Map<GuidV4, Entry>();
  private readonly outbox = new ReadyBuilder<never, never, NodeRegistryEvent>();
  private clockNow: number;

  /**
   * @throws BrightChainError `BC_NODE_TIME_INVALID` for a bad `now`; `BC_NODE_COMMAND_INVALID`
   * for a bad interval or suspicion level; `BC_NODE_DETECTOR_INVALID` for bad phi options
   */
  constructor(options: NodeRegistryOptions) {
    if (typeof options?.now !== 'number' || !Number.isFinite(options.now)) {
      throw new BrightChainError(NodeStateErrorCode.NODE_TIME_INVALID, 'now must be a finite number of ms', {
        details: { now: options?.now },
      });
    }
    const interval = options.downOutIntervalMs ?? DEFAULT_DOWN_OUT_INTERVAL_MS;
    if (!Number.isSafeInteger(interval) || interval < 0) {
      throw new BrightChainError(
        NodeStateErrorCode.NODE_COMMAND_INVALID,
        'downOutIntervalMs must be an integer ≥ 0',
        {
          details: { field: 'downOutIntervalMs', value: interval },
        },
      );
    }
    this.clockNow = options.now;
    this.downOutIntervalMs = interval;
    this.phiOptions = resolvePhiAccrualOptions(options.phi);
    const suspicion = options.suspicionPhi ?? this.phiOptions.threshold;
    if (typeof suspicion !== 'number' || !Number.isFinite(suspicion) || suspicion <= 0) {
      throw new BrightChainError(
        NodeStateErrorCode.NODE_COMMAND_INVALID,
        'suspicionPhi must be a finite number > 0',
        {
          details: { field: 'suspicionPhi', value: suspicion },
        },
      );
    }
    this.suspicionPhi = suspicion;
    this.policy = options.reliabilityPolicy ?? DEFAULT_RELIABILITY_POLICY;
  }

  /** The latest time given to the registry. */
  get now(): number {
    return this.clockNow;
  }

  /** Number of known nodes. */
  get size(): number {
    return this.entries.size;
  }

  /** True when the node is known. */
  has(nodeId: GuidV4): boolean {
    return this.entries.has(nodeId);
  }

  /**
   * Applies an announcement: registers an unknown node (`'discovered'`), updates a known one with
   * a higher sequence (`'updated'`), or ignores an old or repeated sequence (`'stale'`).
   *
   * @throws BrightChainError `BC_NODE_TIME_INVALID`; `BC_NODE_ANNOUNCEMENT_INVALID`;
   * `BC_NODE_RETIRED` when a permanently offline node announces any other state
   */
  announce(input: NodeAnnouncement, now: number): 'discovered' | 'updated' | 'stale' {
    this.checkTime(now);
    const announcement = validateNodeAnnouncement(input);
    const { nodeId, status } = announcement;
    const entry = this.entries.get(nodeId);
    if (entry === undefined) {
      this.clockNow = now;
      const created: Entry = {
        nodeId,
        sequence: announcement.sequence,
        discoveredAt: now,
        updatedAt: now,
        announced: status,
        state: status.state,
        stateSince: now,
        lastSeen: now,
        detector: new PhiAccrualDetector(this.phiOptions),
        reliability: initialReliability(this.policy),
        uptimeAccountedTo: now,
        downOutDeadline:
          status.state === NodeState.OFFLINE
            ? downOutDeadline(now, this.downOutIntervalMs, status.plannedDowntime)
            : undefined,
        offlinePlanned: status.state === NodeState.OFFLINE ? status.plannedDowntime : undefined,
        failurePredicted: false,
      };
      this.entries.set(nodeId, created);
      this.outbox.emit({ type: 'nodeDiscovered', nodeId, state: status.state, at: now });
      return 'discovered';
    }
    if (announcement.sequence <= entry.sequence) {
      this.clockNow = now;
      return 'stale';
    }
    if (entry.state === NodeState.PERMANENTLY_OFFLINE && status.state !== NodeState.PERMANENTLY_OFFLINE) {
      throw this.retired(nodeId, 'announce');
    }
    this.clockNow = now;
    const capabilitiesChanged = !sameCapabilities(entry.announced.capabilities, status.capabilities);
    entry.sequence = announcement.sequence;
    entry.updatedAt = now;
    entry.lastSeen = now;
    entry.announced = status;
    if (capabilitiesChanged) {
      this.outbox.emit({
        type: 'capabilitiesChanged',
        nodeId,
        capabilities: copyCapabilities(status.capabilities),
        at: now,
      });
    }
    if (status.state !== entry.state) this.changeState(entry, status.state, now, 'announced by the node');
    return 'updated';
  }

  /**
   * Records a heartbeat from the node (feeds its phi detector, updates `lastSeen`, clears a
   * predicted failure). It does not change the state: a node that was offline returns by announcing.
   *
   * @throws BrightChainError `BC_NODE_TIME_INVALID`; `BC_NODE_UNKNOWN`; `BC_NODE_RETIRED`
   */
  heartbeat(nodeId: GuidV4, now: number): void {
    this.checkTime(now);
    const entry = this.require(nodeId);
    if (entry.state === NodeState.PERMANENTLY_OFFLINE) throw this.retired(nodeId, 'heartbeat');
    this.clockNow = now;
    entry.detector.heartbeat(now);
    entry.lastSeen = now;
    if (entry.failurePredicted && entry.detector.phi(now) < this.suspicionPhi) {
      entry.failurePredicted = false;
      this.outbox.emit({ type: 'failurePredictionCleared', nodeId, at: now });
    }
  }

  /**
   * Reports that the node is gone (membership declared it dead, or the host convicted it on φ).
   * A running node becomes `EMERGENCY_SHUTDOWN` then `OFFLINE` (recovery required, reliability
   * penalty) — unless it had announced a shutdown whose start has passed, in which case it simply
   * stopped as planned and goes `OFFLINE`. An `EMERGENCY_SHUTDOWN` node goes `OFFLINE`.
   *
   * @returns false when the node was already offline (nothing changed)
   * @throws BrightChainError `BC_NODE_TIME_INVALID`; `BC_NODE_UNKNOWN`; `BC_NODE_COMMAND_INVALID`
   * for an empty reason
   */
  reportFailure(nodeId: GuidV4, now: number, reason: string): boolean {
    this.checkTime(now);
    const entry = this.require(nodeId);
    if (typeof reason !== 'string' || reason.trim() === '' || reason.length > 512) {
      throw new BrightChainError(
        NodeStateErrorCode.NODE_COMMAND_INVALID,
        'reason must be a non-empty string',
        {
          details: { field: 'reason' },
        },
      );
    }
    this.clockNow = now;
    const planned = entry.announced.plannedDowntime;
    switch (entry.state) {
      case NodeState.SCHEDULED_SHUTDOWN:
        if (planned !== undefined && planned.start.getTime() <= now) {
          this.changeState(entry, NodeState.OFFLINE, now, `stopped as scheduled (${reason})`);
          return true;
        }
        this.changeState(entry, NodeState.EMERGENCY_SHUTDOWN, now, reason);
        this.changeState(entry, NodeState.OFFLINE, now, 'emergency shutdown');
        return true;
      case NodeState.ONLINE:
        this.changeState(entry, NodeState.EMERGENCY_SHUTDOWN, now, reason);
        this.changeState(entry, NodeState.OFFLINE, now, 'emergency shutdown');
        return true;
      case NodeState.EMERGENCY_SHUTDOWN:
        this.changeState(entry, NodeState.OFFLINE, now, reason);
        return true;
      default:
        return false;
    }
  }

  /**
   * Records a replication or audit outcome observed with this node.
   *
   * @throws BrightChainError `BC_NODE_TIME_INVALID`; `BC_NODE_UNKNOWN`; `BC_NODE_RELIABILITY_INVALID`
   */
  recordOutcome(nodeId: GuidV4, outcome: ReliabilityOutcome, now: number): ReliabilityState {
    this.checkTime(now);
    const entry = this.require(nodeId);
    const next = recordOutcome(entry.reliability, outcome, this.policy);
    this.clockNow = now;
    entry.reliability = next;
    return next;
  }

  /**
   * Records a latency sample (ms) observed with this node.
   *
   * @throws BrightChainError `BC_NODE_TIME_INVALID`; `BC_NODE_UNKNOWN`; `BC_NODE_RELIABILITY_INVALID`
   */
  recordLatency(nodeId: GuidV4, latencyMs: number, now: number): ReliabilityState {
    this.checkTime(now);
    const entry = this.require(nodeId);
    const next = recordLatency(entry.reliability, latencyMs, this.policy);
    this.clockNow = now;
    entry.reliability = next;
    return next;
  }

  /**
   * Removes a node (typically a permanently offline one, so it can be re-admitted).
   *
   * @throws BrightChainError `BC_NODE_TIME_INVALID`; `BC_NODE_UNKNOWN`
   */
  forget(nodeId: GuidV4, now: number): void {
    this.checkTime(now);
    this.require(nodeId);
    this.clockNow = now;
    this.entries.delete(nodeId);
    this.outbox.emit({ type: 'nodeForgotten', nodeId, at: now });
  }

  /**
   * Advances time: accrues uptime, retires nodes past their down-out deadline, and emits
   * `failurePredicted` for running nodes whose φ reached the suspicion level. Nodes are visited in
   * node-id order, so events come out in a deterministic order.
   *
   * @throws BrightChainError `BC_NODE_TIME_INVALID`
   */
  tick(now: number): void {
    this.checkTime(now);
    this.clockNow = now;
    for (const entry of this.sortedEntries()) {
      if (
        entry.state === NodeState.OFFLINE &&
        entry.downOutDeadline !== undefined &&
        now >= entry.downOutDeadline
      ) {
        this.changeState(
          entry,
          NodeState.PERMANENTLY_OFFLINE,
          entry.downOutDeadline,
          'down-out interval elapsed',
        );
      }
      this.accountUptime(entry, now);
      if (isRunningState(entry.state) && entry.detector.isMonitoring && !entry.failurePredicted) {
        const phi = entry.detector.phi(now);
        if (phi >= this.suspicionPhi) {
          entry.failurePredicted = true;
          this.outbox.emit({ type: 'failurePredicted', nodeId: entry.nodeId, phi, at: now });
        }
      }
    }
  }

  /**
   * One node as the registry sees it.
   *
   * @throws BrightChainError `BC_NODE_UNKNOWN`
   */
  get(nodeId: GuidV4): RegisteredNode {
    return this.view(this.require(nodeId));
  }

  /**
   * A node's health at the registry's current time.
   *
   * @throws BrightChainError `BC_NODE_UNKNOWN`
   */
  health(nodeId: GuidV4): NodeHealth {
    const entry = this.require(nodeId);
    const phi = entry.detector.phi(Math.max(this.clockNow, entry.detector.lastHeartbeatAt ?? this.clockNow));
    return Object.freeze({
      nodeId,
      state: entry.state,
      phi,
      available: isRunningState(entry.state) && phi < this.phiOptions.threshold,
      failurePredicted: entry.failurePredicted,
      lastSeen: new Date(entry.lastSeen),
      standing: summarizeReliability(entry.reliability, this.policy).standing,
    });
  }

  /** Every node, by node id. */
  list(): RegisteredNode[] {
    return this.sortedEntries().map((entry) => this.view(entry));
  }

  /**
   * Nodes matching every given filter, by node id (or by score with `orderBy: 'score'`).
   *
   * @throws BrightChainError `BC_NODE_QUERY_INVALID` for a malformed filter
   * @example
   * ```ts
   * registry.query({ nodeType: 'quorum', states: [NodeState.ONLINE] });
   * registry.query({ readable: true, region: 'eu-west-1' });
   * registry.query({ writable: { blockRegion: 'EU', minFreeBytes: 2 ** 30 }, standings: ['vetted'], limit: 3 });
   * ```
   */
  query(filter: NodeQuery = {}): RegisteredNode[] {
    const match = this.compileQuery(filter);
    const scored = this.sortedEntries()
      .filter(match)
      .map((entry) => ({ entry, score: summarizeReliability(entry.reliability, this.policy).score }));
    if (filter.orderBy === 'score')
      scored.sort((a, b) => b.score - a.score || (a.entry.nodeId < b.entry.nodeId ? -1 : 1));
    const limited = filter.limit === undefined ? scored : scored.slice(0, filter.limit);
    return limited.map(({ entry }) => this.view(entry));
  }

  /** True when `ready()` has anything. */
  hasReady(): boolean {
    return this.outbox.nonEmpty;
  }

  /** The pending events. */
  ready(): Ready<never, never, NodeRegistryEvent> {
    return this.outbox.take();
  }

  /** Acknowledges the last batch. */
  advance(): void {}

  private compileQuery(filter: NodeQuery): (entry: Entry) => boolean {
    if (typeof filter !== 'object' || filter === null) throw queryError('filter', 'must be an object');
    const checks: Array<(entry: Entry) => boolean> = [];
    if (filter.states !== undefined) {
      if (!Array.isArray(filter.states) || !filter.states.every(isNodeState)) {
        throw queryError('states', 'must be an array of NodeState values');
      }
      const states = new Set(filter.states);
      checks.push((e) => states.has(e.state));
    }
    if (filter.nodeType !== undefined) {
      if (filter.nodeType !== 'storage' && filter.nodeType !== 'quorum') {
        throw queryError('nodeType', "must be 'storage' or 'quorum'");
      }
      checks.push((e) => e.announced.capabilities.nodeType === filter.nodeType);
    }
    if (filter.region !== undefined) {
      if (typeof filter.region !== 'string' || filter.region === '')
        throw queryError('region', 'must be a non-empty string');
      checks.push((e) => e.announced.capabilities.region === filter.region);
    }
    if (filter.specialisations !== undefined) {
      const wanted = filter.specialisations;
      if (!Array.isArray(wanted) || !wanted.every((s) => typeof s === 'string')) {
        throw queryError('specialisations', 'must be an array of strings');
      }
      checks.push((e) => wanted.every((s) => e.announced.capabilities.specialisations.includes(s)));
    }
    for (const flag of ['storage', 'quorum', 'readable'] as const) {
      const wanted = filter[flag];
      if (wanted === undefined) continue;
      if (typeof wanted !== 'boolean') throw queryError(flag, 'must be a boolean');
      if (flag === 'readable') {
        checks.push(
          (e) => canServeReads({ state: e.state, capabilities: e.announced.capabilities }) === wanted,
        );
      } else checks.push((e) => e.announced.capabilities[flag] === wanted);
    }
    if (filter.writable !== undefined) {
      const writable = filter.writable;
      let region: string | undefined;
      let bytes: number | undefined;
      let expected = true;
      if (typeof writable === 'boolean') expected = writable;
      else if (typeof writable === 'object' && writable !== null) {
        if (writable.blockRegion !== undefined && typeof writable.blockRegion !== 'string') {
          throw queryError('writable.blockRegion', 'must be a string');
        }
        if (
          writable.minFreeBytes !== undefined &&
          !(Number.isSafeInteger(writable.minFreeBytes) && writable.minFreeBytes >= 0)
        ) {
          throw queryError('writable.minFreeBytes', 'must be a non-negative safe integer');
        }
        region = writable.blockRegion;
        bytes = writable.minFreeBytes;
      } else throw queryError('writable', 'must be a boolean or { blockRegion?, minFreeBytes? }');
      checks.push(
        (e) =>
          canAcceptWrites(
            {
              state: e.state,
              capabilities: e.announced.capabilities,
              storageMetrics: e.announced.storageMetrics,
            },
            region,
            bytes,
          ) === expected,
      );
    }
    if (filter.minScore !== undefined) {
      const min = filter.minScore;
      if (typeof min !== 'number' || !(min >= 0 && min <= 1))
        throw queryError('minScore', 'must be in [0, 1]');
      checks.push((e) => summarizeReliability(e.reliability, this.policy).score >= min);
    }
    if (filter.standings !== undefined) {
      const standings = filter.standings;
      if (
        !Array.isArray(standings) ||
        !standings.every((s) => (RELIABILITY_STANDINGS as readonly unknown[]).includes(s))
      ) {
        throw queryError('standings', `must be an array of ${RELIABILITY_STANDINGS.join(', ')}`);
      }
      checks.push((e) => standings.includes(summarizeReliability(e.reliability, this.policy).standing));
    }
    if (filter.available !== undefined) {
      const available = filter.available;
      let threshold = this.phiOptions.threshold;
      let expected = true;
      if (typeof available === 'boolean') expected = available;
      else if (
        typeof available === 'object' &&
        available !== null &&
        typeof available.phiBelow === 'number' &&
        Number.isFinite(available.phiBelow) &&
        available.phiBelow > 0
      ) {
        threshold = available.phiBelow;
      } else throw queryError('available', 'must be a boolean or { phiBelow: number > 0 }');
      checks.push((e) => {
        if (!isRunningState(e.state)) return !expected;
        const at = Math.max(this.clockNow, e.detector.lastHeartbeatAt ?? this.clockNow);
        return e.detector.phi(at) < threshold === expected;
      });
    }
    if (filter.orderBy !== undefined && filter.orderBy !== 'nodeId' && filter.orderBy !== 'score') {
      throw queryError('orderBy', "must be 'nodeId' or 'score'");
    }
    if (filter.limit !== undefined && !(Number.isSafeInteger(filter.limit) && filter.limit >= 0)) {
      throw queryError('limit', 'must be a non-negative integer');
    }
    return (entry) => checks.every((check) => check(entry));
  }

  private view(entry: Entry): RegisteredNode {
    const announced = entry.announced;
    const summary = summarizeReliability(entry.reliability, this.policy);
    const planned = this.plannedDowntimeOf(entry);
    const status = copyNodeStatus({
      state: entry.state,
      lastSeen: new Date(entry.lastSeen),
      ...(planned === undefined ? {} : { plannedDowntime: planned }),
      storageMetrics: announced.storageMetrics,
      reliability: {
        uptime: entry.reliability.uptime,
        successfulReplications: entry.reliability.successfulReplications,
        failedReplications: entry.reliability.failedReplications,
      },
      capabilities: announced.capabilities,
      credits: announced.credits,
      score: summary,
    });
    return Object.freeze({
      nodeId: entry.nodeId,
      sequence: entry.sequence,
      discoveredAt: entry.discoveredAt,
      updatedAt: entry.updatedAt,
      status,
      announced: copyNodeStatus(announced),
      reliability: entry.reliability,
      failurePredicted: entry.failurePredicted,
    });
  }

  private changeState(entry: Entry, to: NodeState, at: number, reason: string): void {
    const from = entry.state;
    if (from === to) return;
    if (!isLegalTransition(from, to) && !isReachableState(from, to))
      throw this.retired(entry.nodeId, 'changeState');
    this.accountUptime(entry, at);
    entry.state = to;
    entry.stateSince = at;
    this.outbox.emit({ type: 'stateChanged', nodeId: entry.nodeId, from, to, reason, at });
    if (!isRunningState(to)) entry.failurePredicted = false;
    const plannedExit =
      entry.announced.plannedDowntime !== undefined && from === NodeState.SCHEDULED_SHUTDOWN;
    const unplanned =
      to === NodeState.EMERGENCY_SHUTDOWN || (isRunningState(from) && !isRunningState(to) && !plannedExit);
    if (unplanned) {
      entry.reliability = recordEmergencyShutdown(entry.reliability, this.policy);
      this.outbox.emit({ type: 'recoveryRequired', nodeId: entry.nodeId, reason, at });
    }
    if (to === NodeState.OFFLINE) {
      const planned = from === NodeState.SCHEDULED_SHUTDOWN ? entry.announced.plannedDowntime : undefined;
      entry.offlinePlanned = planned;
      if (planned?.permanent === true) {
        entry.downOutDeadline = undefined;
        this.changeState(entry, NodeState.PERMANENTLY_OFFLINE, at, 'announced permanent');
        return;
      }
      entry.downOutDeadline = downOutDeadline(at, this.downOutIntervalMs, planned);
    } else {
      entry.downOutDeadline = undefined;
      if (to !== NodeState.PERMANENTLY_OFFLINE) entry.offlinePlanned = undefined;
    }
  }

  /**
   * Folds the time since the last accounting into the node's uptime: running counts as up,
   * `EMERGENCY_SHUTDOWN` and unplanned `OFFLINE` as down; `OFFLINE` within an announced downtime
   * (until `max(start, offline time) + expectedDuration`) and `PERMANENTLY_OFFLINE` are neutral.
   */
  private accountUptime(entry: Entry, to: number): void {
    const from = entry.uptimeAccountedTo;
    if (to <= from) return;
    entry.uptimeAccountedTo = to;
    const state = entry.state;
    if (state === NodeState.PERMANENTLY_OFFLINE) return;
    if (isRunningState(state)) {
      entry.reliability = recordUptime(entry.reliability, { up: true, durationMs: to - from }, this.policy);
      return;
    }
    let downFrom = from;
    const planned = entry.offlinePlanned;
    if (state === NodeState.OFFLINE && planned !== undefined && !planned.permanent) {
      const plannedEnd = Math.max(planned.start.getTime(), entry.stateSince) + planned.expectedDuration;
      downFrom = Math.max(from, Math.min(to, plannedEnd));
    }
    if (to > downFrom) {
      entry.reliability = recordUptime(
        entry.reliability,
        { up: false, durationMs: to - downFrom },
        this.policy,
      );
    }
  }

  /** The downtime in effect: announced while scheduled, kept while offline after a scheduled shutdown. */
  private plannedDowntimeOf(entry: Entry): PlannedDowntime | undefined {
    if (entry.state === NodeState.SCHEDULED_SHUTDOWN) return entry.announced.plannedDowntime;
    if (entry.state === NodeState.OFFLINE || entry.state === NodeState.PERMANENTLY_OFFLINE)
      return entry.offlinePlanned;
    return undefined;
  }

  private sortedEntries(): Entry[] {
    return [...this.entries.values()].sort((a, b) =>
      a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0,
    );
  }

  private require(nodeId: GuidV4): Entry {
    const entry = this.entries.get(nodeId);
    if (entry === undefined) {
      throw new BrightChainError(NodeStateErrorCode.NODE_UNKNOWN, 'no such node in the registry', {
        details: { nodeId: typeof nodeId === 'string' ? nodeId.slice(0, 64) : typeof nodeId },
      });
    }
    return entry;
  }

  private retired(nodeId: GuidV4, command: string): BrightChainError {
    return new BrightChainError(
      NodeStateErrorCode.NODE_RETIRED,
      'node is permanently offline; forget it before it can rejoin',
      { details: { nodeId, command } },
    );
  }

  private checkTime(now: number): void {
    if (typeof now !== 'number' || !Number.isFinite(now) || now < this.clockNow) {
      throw new BrightChainError(
        NodeStateErrorCode.NODE_TIME_INVALID,
        'time must be a finite number of ms, not earlier than the previous one',
        { details: { now, previous: this.clockNow } },
      );
    }
  }
}
