/**
 * `NodeStatus`: the seed's status record of one node, with every seed field unchanged, plus what
 * BrightChain adds — advertised capabilities, the credit balance and the reliability score.
 * Statuses cross trust boundaries (gossip, dashboards, storage), so they are validated on the way
 * in: every problem is reported at once, with its path, in one typed error.
 */
import { NodeStateErrorCode } from './error-codes';
import { InputIssues } from './input-issues';
import { capabilityIssues, copyCapabilities, type NodeCapabilities } from './node-capabilities';
import { isNodeState, NodeState } from './node-state';
import {
  DEFAULT_RELIABILITY_POLICY,
  RELIABILITY_STANDINGS,
  type ReliabilityPolicy,
  type ReliabilityState,
  type ReliabilitySummary,
  summarizeReliability,
} from './reliability-score';

/** An announced absence (the seed's `plannedDowntime`). */
export interface PlannedDowntime {
  /** When the node stops serving (the request's `shutdownTime`). */
  readonly start: Date;
  /** How long it expects to be away, in ms; 0 when permanent or when the request gave none. */
  readonly expectedDuration: number;
  /** The node will not come back. */
  readonly permanent: boolean;
}

/** Storage figures, in bytes (non-negative safe integers, `usedSpace + reservedSpace ≤ totalSpace`). */
export interface StorageMetrics {
  /** Capacity the node offers. */
  readonly totalSpace: number;
  /** Bytes of blocks held. */
  readonly usedSpace: number;
  /** Bytes promised to in-flight writes and replicas. */
  readonly reservedSpace: number;
}

/** The seed's reliability figures. */
export interface ReliabilityCounters {
  /** Uptime EWMA in [0, 1] (see `reliability-score.ts`). */
  readonly uptime: number;
  readonly successfulReplications: number;
  readonly failedReplications: number;
}

/** The status of one node. */
export interface NodeStatus {
  readonly state: NodeState;
  /** When the node was last heard from (or, for a node's own status, the time it was built). */
  readonly lastSeen: Date;
  /** Present while a shutdown is announced or under way; required in `SCHEDULED_SHUTDOWN`. */
  readonly plannedDowntime?: PlannedDowntime;
  readonly storageMetrics: StorageMetrics;
  readonly reliability: ReliabilityCounters;
  /** What the node advertises (type, storage/quorum, access, bandwidth, regions). */
  readonly capabilities: NodeCapabilities;
  /**
   * Credit balance in micro-credits (1 credit = 1 000 000), a safe integer. Negative only through
   * penalties (debt that later earnings repay); see `credit-ledger.ts`.
   */
  readonly credits: number;
  /** The reliability score and standing. */
  readonly score: ReliabilitySummary;
}

const STATUS_KEYS = new Set([
  'state',
  'lastSeen',
  'plannedDowntime',
  'storageMetrics',
  'reliability',
  'capabilities',
  'credits',
  'score',
]);

/**
 * Collects every problem of a NodeStatus input into `issues` (paths relative to `prefix`).
 * @internal
 */
export function collectNodeStatusIssues(input: unknown, issues: InputIssues, prefix = ''): void {
  const at = (path: string) => (prefix === '' ? path : `${prefix}.${path}`);
  const status = issues.object(prefix, input);
  if (status === undefined) return;
  for (const key of Object.keys(status))
    if (!STATUS_KEYS.has(key)) issues.add(at(key), 'is not a NodeStatus field');
  if (!isNodeState(status.state)) issues.add(at('state'), 'must be one of the five NodeState values');
  issues.date(at('lastSeen'), status.lastSeen);

  if (status.plannedDowntime !== undefined) {
    const planned = issues.object(at('plannedDowntime'), status.plannedDowntime);
    if (planned !== undefined) {
      issues.date(at('plannedDowntime.start'), planned.start);
      const durationOk = issues.count(at('plannedDowntime.expectedDuration'), planned.expectedDuration);
      if (
        issues.boolean(at('plannedDowntime.permanent'), planned.permanent) &&
        planned.permanent &&
        durationOk
      ) {
        if (planned.expectedDuration !== 0) {
          issues.add(at('plannedDowntime.expectedDuration'), 'must be 0 for a permanent shutdown');
        }
      }
    }
    if (status.state === NodeState.ONLINE || status.state === NodeState.EMERGENCY_SHUTDOWN) {
      issues.add(at('plannedDowntime'), `must be absent in state ${String(status.state)}`);
    }
  } else if (status.state === NodeState.SCHEDULED_SHUTDOWN) {
    issues.add(at('plannedDowntime'), 'is required in state SCHEDULED_SHUTDOWN');
  }

  const metrics = issues.object(at('storageMetrics'), status.storageMetrics);
  if (metrics !== undefined) {
    const total = issues.count(at('storageMetrics.totalSpace'), metrics.totalSpace);
    const used = issues.count(at('storageMetrics.usedSpace'), metrics.usedSpace);
    const reserved = issues.count(at('storageMetrics.reservedSpace'), metrics.reservedSpace);
    if (total && used && reserved) {
      const t = metrics.totalSpace as number;
      if ((metrics.usedSpace as number) + (metrics.reservedSpace as number) > t) {
        issues.add(at('storageMetrics'), `usedSpace + reservedSpace exceeds totalSpace (${t})`);
      }
    }
  }

  const reliability = issues.object(at('reliability'), status.reliability);
  if (reliability !== undefined) {
    issues.range(at('reliability.uptime'), reliability.uptime, 0, 1);
    issues.count(at('reliability.successfulReplications'), reliability.successfulReplications);
    issues.count(at('reliability.failedReplications'), reliability.failedReplications);
  }

  issues.merge(at('capabilities'), capabilityIssues(status.capabilities));
  issues.integer(at('credits'), status.credits);

  const score = issues.object(at('score'), status.score);
  if (score !== undefined) {
    for (const field of ['score', 'audit', 'uptime', 'latency'] as const) {
      issues.range(at(`score.${field}`), score[field], 0, 1);
    }
    if (!(RELIABILITY_STANDINGS as readonly unknown[]).includes(score.standing)) {
      issues.add(at('score.standing'), `must be one of ${RELIABILITY_STANDINGS.join(', ')}`);
    }
    issues.count(at('score.observations'), score.observations);
  }
}

/**
 * Checks a NodeStatus from outside (gossip, storage, an API) and returns a frozen deep copy.
 *
 * Rejected: unknown state; missing or invalid `Date`s; `plannedDowntime` outside
 * SCHEDULED_SHUTDOWN / OFFLINE / PERMANENTLY_OFFLINE (or missing in SCHEDULED_SHUTDOWN), a negative
 * or fractional duration, a permanent shutdown with a duration; space figures that are negative,
 * fractional, NaN, unsafe, or with `usedSpace + reservedSpace > totalSpace`; uptime outside [0, 1];
 * replication counts that are not non-negative safe integers; invalid capabilities; credits that
 * are not a safe integer; score parts outside [0, 1] or an unknown standing; unknown fields.
 *
 * @throws BrightChainError `BC_NODE_STATUS_INVALID` with `details.issues: { path, reason }[]`
 * @example
 * ```ts
 * try {
 *   validateNodeStatus(JSON.parse(text, reviveDates));
 * } catch (error) {
 *   if (BrightChainError.isInstance(error, 'BC_NODE_STATUS_INVALID')) console.log(error.details.issues);
 * }
 * ```
 */
export function validateNodeStatus(input: unknown): NodeStatus {
  const issues = new InputIssues();
  collectNodeStatusIssues(input, issues);
  issues.throwIfAny(NodeStateErrorCode.NODE_STATUS_INVALID, 'NodeStatus');
  return copyNodeStatus(input as NodeStatus);
}

/**
 * A frozen deep copy of an already-validated status (fresh `Date`s, so callers cannot mutate it).
 * @internal
 */
export function copyNodeStatus(status: NodeStatus): NodeStatus {
  return Object.freeze({
    state: status.state,
    lastSeen: new Date(status.lastSeen.getTime()),
    ...(status.plannedDowntime === undefined
      ? {}
      : {
          plannedDowntime: Object.freeze({
            start: new Date(status.plannedDowntime.start.getTime()),
            expectedDuration: status.plannedDowntime.expectedDuration,
            permanent: status.plannedDowntime.permanent,
          }),
        }),
    storageMetrics: Object.freeze({
      totalSpace: status.storageMetrics.totalSpace,
      usedSpace: status.storageMetrics.usedSpace,
      reservedSpace: status.storageMetrics.reservedSpace,
    }),
    reliability: Object.freeze({
      uptime: status.reliability.uptime,
      successfulReplications: status.reliability.successfulReplications,
      failedReplications: status.reliability.failedReplications,
    }),
    capabilities: copyCapabilities(status.capabilities),
    credits: status.credits,
    score: Object.freeze({
      score: status.score.score,
      audit: status.score.audit,
      uptime: status.score.uptime,
      latency: status.score.latency,
      standing: status.score.standing,
      observations: status.score.observations,
    }),
  });
}

/** The parts {@link createNodeStatus} assembles. */
export interface NodeStatusParts {
  readonly state: NodeState;
  /** A `Date` or epoch milliseconds. */
  readonly lastSeen: Date | number;
  readonly plannedDowntime?: PlannedDowntime;
  readonly storageMetrics: StorageMetrics;
  /** The node's reliability state; the seed counters and the score are derived from it. */
  readonly reliability: ReliabilityState;
  readonly capabilities: NodeCapabilities;
  /** Balance in micro-credits (e.g. `CreditLedger.balance`). */
  readonly credits: number;
}

/**
 * Builds and validates a NodeStatus from its parts: the lifecycle state, storage figures, the
 * reliability state (from which `reliability` and `score` are derived), capabilities and balance.
 *
 * @throws BrightChainError `BC_NODE_STATUS_INVALID` if the parts do not make a valid status
 * @example
 * ```ts
 * const status = createNodeStatus({
 *   state: NodeState.ONLINE, lastSeen: now,
 *   storageMetrics: { totalSpace: 2 ** 40, usedSpace: 2 ** 30, reservedSpace: 0 },
 *   reliability, capabilities, credits: ledger.balance,
 * });
 * // A node's own status: lifecycle.nodeStatus({ storageMetrics, reliability, capabilities, credits })
 * ```
 */
export function createNodeStatus(
  parts: NodeStatusParts,
  policy: ReliabilityPolicy = DEFAULT_RELIABILITY_POLICY,
): NodeStatus {
  const summary = summarizeReliability(parts.reliability, policy);
  return validateNodeStatus({
    state: parts.state,
    lastSeen: parts.lastSeen instanceof Date ? parts.lastSeen : new Date(parts.lastSeen),
    ...(parts.plannedDowntime === undefined ? {} : { plannedDowntime: parts.plannedDowntime }),
    storageMetrics: parts.storageMetrics,
    reliability: {
      uptime: parts.reliability.uptime,
      successfulReplications: parts.reliability.successfulReplications,
      failedReplications: parts.reliability.failedReplications,
    },
    capabilities: parts.capabilities,
    credits: parts.credits,
    score: summary,
  });
}

/**
 * Bytes still free for new blocks: `totalSpace − usedSpace − reservedSpace`.
 *
 * @example
 * ```ts
 * freeSpace({ storageMetrics: { totalSpace: 100, usedSpace: 60, reservedSpace: 15 } }); // 25
 * ```
 */
export function freeSpace(status: Pick<NodeStatus, 'storageMetrics'>): number {
  const { totalSpace, usedSpace, reservedSpace } = status.storageMetrics;
  return Math.max(0, totalSpace - usedSpace - reservedSpace);
}
