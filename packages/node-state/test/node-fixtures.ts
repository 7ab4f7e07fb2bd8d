/** Shared fixtures of the node-lifecycle tests (not a test file itself). */
import {
  BrightChainError,
  type GuidV4,
  SeededRandom,
  checksum,
  newGuidV4,
  utf8Bytes,
} from '@brightchain/core';
import {
  type NodeCapabilities,
  type NodeStatus,
  NodeState,
  type ShutdownRequest,
  createNodeStatus,
  defaultNodeCapabilities,
  initialReliability,
} from '@brightchain/node-state';

/** Deterministic node ids. */
export function nodeIds(count: number, seed = 'nodes'): GuidV4[] {
  const random = new SeededRandom(seed);
  return Array.from({ length: count }, () => newGuidV4(random));
}

/** A 64-byte block id derived from a label. */
export function blockId(label: string | number): Uint8Array {
  return checksum(utf8Bytes(`block-${label}`));
}

/** A valid ShutdownRequest for `nodeId` with `blocks` PENDING blocks of priorities 0..blocks-1. */
export function shutdownRequest(
  nodeId: GuidV4,
  options: { at?: number; blocks?: number; permanent?: boolean; expectedDuration?: number } = {},
): ShutdownRequest {
  const { at = 10_000, blocks = 2, permanent = false, expectedDuration } = options;
  return {
    nodeId,
    shutdownTime: new Date(at),
    ...(expectedDuration === undefined ? {} : { expectedDuration }),
    permanent,
    affectedBlocks: Array.from({ length: blocks }, (_, i) => ({
      blockId: blockId(i),
      priority: i,
      replicationStatus: 'PENDING' as const,
    })),
  };
}

/** A valid, fully available node status. */
export function sampleStatus(
  overrides: Partial<NodeStatus> = {},
  caps: Partial<NodeCapabilities> = {},
): NodeStatus {
  const status = createNodeStatus({
    state: NodeState.ONLINE,
    lastSeen: 1_000,
    storageMetrics: { totalSpace: 1_000_000, usedSpace: 400_000, reservedSpace: 100_000 },
    reliability: initialReliability(),
    capabilities: defaultNodeCapabilities('storage', { region: 'eu-west-1', ...caps }),
    credits: 0,
  });
  return { ...status, ...overrides };
}

/** Runs `fn`, expecting a BrightChainError with `code`; returns it. */
export function expectCode(fn: () => unknown, code: string): BrightChainError {
  try {
    fn();
  } catch (error) {
    if (!BrightChainError.isInstance(error)) throw error;
    expect(error.code).toBe(code);
    return error;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

/** The paths listed in an error's `details.issues`. */
export function issuePaths(error: BrightChainError): string[] {
  return ((error.details.issues ?? []) as { path: string }[]).map((issue) => issue.path);
}

/** A deep copy that keeps Dates and byte arrays as this realm's objects (unlike structuredClone under jest). */
export function deepCopy<T>(value: T): T {
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (value instanceof Uint8Array) return Uint8Array.from(value) as T;
  if (Array.isArray(value)) return value.map(deepCopy) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deepCopy(v)])) as T;
  }
  return value;
}
