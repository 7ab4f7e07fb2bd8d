/**
 * `NodeSelectionCriteria` (the seed's interface) and `SelectionCandidate`: one node as the selector
 * sees it — its lifecycle state and advertised capabilities (from `node-state`, which decide whether
 * it may take a new copy at all) plus the criteria that rank it.
 */
import { BrightChainError, type GuidV4, isGuidV4 } from '@brightchain/core';
import {
  canAcceptWrites,
  freeSpace,
  isNodeState,
  type NodeCapabilities,
  type NodeState,
  type RegisteredNode,
  validateNodeCapabilities,
} from '@brightchain/node-state';
import { ReplicationErrorCode } from './error-codes';
import { IssueList, join } from './issue-list';

/** The seed's node selection criteria. */
export interface NodeSelectionCriteria {
  /** Reliability score in [0, 1] (node-state's weighted score). */
  readonly reliability: number;
  /** Bytes free for new blocks. */
  readonly availableSpace: number;
  /** Region (failure domain) of the node, compared for geographic spread. */
  readonly geographicLocation?: string;
  /** Observed round-trip latency to the node, ms. */
  readonly networkLatency: number;
  /** Work in flight at the node (transfers, or any unit used consistently); 0 = idle. */
  readonly currentLoad: number;
  /** Specialisations the node offers (e.g. `ssd`, `archive`, `sensitive-data`). */
  readonly specializations?: readonly string[];
}

/** One node the selector may place a copy on. */
export interface SelectionCandidate {
  readonly nodeId: GuidV4;
  /** Lifecycle state: only `ONLINE` nodes take new copies. */
  readonly state: NodeState;
  /** Advertised capabilities: writes, bandwidth, allowed regions. */
  readonly capabilities: NodeCapabilities;
  readonly criteria: NodeSelectionCriteria;
}

const CRITERIA_KEYS = new Set([
  'reliability',
  'availableSpace',
  'geographicLocation',
  'networkLatency',
  'currentLoad',
  'specializations',
]);
const CANDIDATE_KEYS = new Set(['nodeId', 'state', 'capabilities', 'criteria']);
const LABEL = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;

/** Collects the problems of a criteria object (paths under `prefix`). @internal */
export function criteriaIssues(issues: IssueList, prefix: string, input: unknown): void {
  const criteria = issues.object(prefix, input);
  if (criteria === undefined) return;
  issues.unknownKeys(prefix, criteria, CRITERIA_KEYS);
  issues.number(join(prefix, 'reliability'), criteria.reliability, 0, 1);
  issues.number(join(prefix, 'availableSpace'), criteria.availableSpace, 0);
  issues.number(join(prefix, 'networkLatency'), criteria.networkLatency, 0);
  issues.number(join(prefix, 'currentLoad'), criteria.currentLoad, 0);
  const location = criteria.geographicLocation;
  if (location !== undefined && (typeof location !== 'string' || !LABEL.test(location))) {
    issues.add(join(prefix, 'geographicLocation'), 'must be 1–64 characters of [A-Za-z0-9._:/-]');
  }
  const specs = criteria.specializations;
  if (specs !== undefined) {
    if (
      !Array.isArray(specs) ||
      specs.some((s) => typeof s !== 'string' || s.length === 0 || s.length > 64)
    ) {
      issues.add(join(prefix, 'specializations'), 'must be an array of 1–64 character strings');
    }
  }
}

/**
 * Checks a candidate and returns a frozen copy.
 *
 * @throws BrightChainError `BC_REPLICATION_SELECTION_INVALID` with `details.issues` (a bad node id,
 * state, capabilities, or criteria out of range: reliability outside [0, 1], negative or non-finite
 * space, latency or load)
 * @example
 * ```ts
 * const candidate = validateSelectionCandidate({
 *   nodeId, state: NodeState.ONLINE, capabilities: defaultNodeCapabilities('storage', { region: 'eu' }),
 *   criteria: { reliability: 0.99, availableSpace: 2 ** 40, networkLatency: 20, currentLoad: 0 },
 * });
 * ```
 */
export function validateSelectionCandidate(input: unknown): SelectionCandidate {
  const issues = new IssueList();
  const candidate = issues.object('', input);
  let capabilities: NodeCapabilities | undefined;
  if (candidate !== undefined) {
    issues.unknownKeys('', candidate, CANDIDATE_KEYS);
    if (!isGuidV4(candidate.nodeId)) issues.add('nodeId', 'must be a canonical GuidV4');
    if (!isNodeState(candidate.state)) issues.add('state', 'must be a NodeState');
    try {
      capabilities = validateNodeCapabilities(candidate.capabilities);
    } catch (error) {
      const reason = BrightChainError.isInstance(error) ? error.message : 'invalid';
      issues.add('capabilities', reason);
    }
    criteriaIssues(issues, 'criteria', candidate.criteria);
  }
  issues.throwIfAny(ReplicationErrorCode.SELECTION_INVALID, 'selection candidate');
  const valid = input as SelectionCandidate;
  const c = valid.criteria;
  return Object.freeze({
    nodeId: valid.nodeId,
    state: valid.state,
    capabilities: capabilities as NodeCapabilities,
    criteria: Object.freeze({
      reliability: c.reliability,
      availableSpace: c.availableSpace,
      ...(c.geographicLocation === undefined ? {} : { geographicLocation: c.geographicLocation }),
      networkLatency: c.networkLatency,
      currentLoad: c.currentLoad,
      ...(c.specializations === undefined ? {} : { specializations: Object.freeze([...c.specializations]) }),
    }),
  });
}

/** What the local node observes about a peer, which the registry does not know. */
export interface ObservedLoad {
  /** Round-trip latency, ms. Default: the registry's latency EWMA, else 0. */
  readonly networkLatency?: number;
  /** Work in flight at the node. Default 0. */
  readonly currentLoad?: number;
}

/**
 * A candidate from a node registry entry: state and capabilities as the registry sees them,
 * reliability = the registry's own score, available space = free space as announced, location = the
 * advertised region, specialisations as advertised.
 *
 * @throws BrightChainError `BC_REPLICATION_SELECTION_INVALID` if the observed figures are out of range
 * @example
 * ```ts
 * for (const node of registry.list()) scheduler.updateNode(candidateFromRegisteredNode(node));
 * ```
 */
export function candidateFromRegisteredNode(
  node: RegisteredNode,
  observed: ObservedLoad = {},
): SelectionCandidate {
  const status = node.status;
  const region = status.capabilities.region;
  return validateSelectionCandidate({
    nodeId: node.nodeId,
    state: status.state,
    capabilities: status.capabilities,
    criteria: {
      reliability: status.score.score,
      availableSpace: freeSpace(status),
      ...(region === undefined ? {} : { geographicLocation: region }),
      networkLatency: observed.networkLatency ?? node.reliability.latencyMs ?? 0,
      currentLoad: observed.currentLoad ?? 0,
      specializations: [...status.capabilities.specialisations],
    },
  });
}

/**
 * The region a candidate counts in for spread: `criteria.geographicLocation`, else the advertised
 * `capabilities.region`, else undefined (a node without a region adds no spread).
 *
 * @throws nothing
 * @example
 * ```ts
 * regionOfCandidate(candidate); // 'eu-west-1'
 * ```
 */
export function regionOfCandidate(candidate: SelectionCandidate): string | undefined {
  return candidate.criteria.geographicLocation ?? candidate.capabilities.region;
}

/**
 * True when the candidate may take a new copy of a block: node-state's `canAcceptWrites` (ONLINE,
 * storage, writes, download bandwidth open, the block's region allowed by a region-restricted node)
 * with the free space taken from `criteria.availableSpace`.
 *
 * @param blockRegion - the block's jurisdiction tag, if any
 * @param sizeBytes - the block's size
 * @throws nothing
 * @example
 * ```ts
 * canHostNewCopy(candidate, 'EU', 4096);
 * ```
 */
export function canHostNewCopy(
  candidate: SelectionCandidate,
  blockRegion?: string,
  sizeBytes?: number,
): boolean {
  return canAcceptWrites(
    {
      state: candidate.state,
      capabilities: candidate.capabilities,
      storageMetrics: { totalSpace: candidate.criteria.availableSpace, usedSpace: 0, reservedSpace: 0 },
    },
    blockRegion,
    sizeBytes,
  );
}
