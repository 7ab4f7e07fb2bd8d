/** Shared test fixtures (not a test file itself). */
import { BlockIndex } from '@brightchain/block-index';
import {
  BrightChainError,
  type GuidV4,
  ManualClock,
  SeededRandom,
  checksum,
  checksumToHex,
  newGuidV4,
  utf8Bytes,
} from '@brightchain/core';
import { type NodeCapabilities, NodeState, defaultNodeCapabilities } from '@brightchain/node-state';
import type {
  NodeSelectionCriteria,
  ReplicationEvent,
  ReplicationScheduler,
  SelectionCandidate,
} from '@brightchain/replication';

export const T0 = 1_700_000_000_000;

/** `count` distinct node ids from a seed, sorted. */
export function nodeIds(count: number, seed: string | number = 'nodes'): GuidV4[] {
  const random = new SeededRandom(seed);
  return Array.from({ length: count }, () => newGuidV4(random)).sort();
}

/** Block `n`'s 64-byte id. */
export function blockId(n: number | string): Uint8Array {
  return checksum(utf8Bytes(`block-${n}`));
}

/** Block `n`'s hex id. */
export function blockHex(n: number | string): string {
  return checksumToHex(blockId(n));
}

/** A candidate with sensible defaults. */
export function candidate(
  nodeId: GuidV4,
  options: {
    region?: string;
    state?: NodeState;
    caps?: Partial<NodeCapabilities>;
    criteria?: Partial<NodeSelectionCriteria>;
  } = {},
): SelectionCandidate {
  const region = options.region ?? 'r0';
  return {
    nodeId,
    state: options.state ?? NodeState.ONLINE,
    capabilities: defaultNodeCapabilities('storage', { region, ...(options.caps ?? {}) }),
    criteria: {
      reliability: 0.99,
      availableSpace: 2 ** 40,
      geographicLocation: region,
      networkLatency: 10,
      currentLoad: 0,
      ...(options.criteria ?? {}),
    },
  };
}

/** An index on a manual clock. */
export function makeIndex(
  replicaId: GuidV4,
  clock = new ManualClock(T0),
): { index: BlockIndex; clock: ManualClock } {
  return { index: new BlockIndex({ replicaId, clock }), clock };
}

/** Runs `fn`, expecting a BrightChainError with `code`; returns it. */
export function expectCode(fn: () => unknown, code: string): BrightChainError {
  try {
    fn();
  } catch (error) {
    if (BrightChainError.isInstance(error)) {
      expect(error.code).toBe(code);
      return error;
    }
    throw error;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

/** Drains the scheduler's Ready and returns its events. */
export function drainEvents(scheduler: ReplicationScheduler): ReplicationEvent[] {
  const batch = scheduler.ready();
  scheduler.advance();
  expect(batch.messages).toHaveLength(0);
  expect(batch.persist).toHaveLength(0);
  return [...batch.events];
}

/** Events of one type. */
export function ofType<T extends ReplicationEvent['type']>(
  events: readonly ReplicationEvent[],
  type: T,
): Extract<ReplicationEvent, { type: T }>[] {
  return events.filter((e): e is Extract<ReplicationEvent, { type: T }> => e.type === type);
}

/** Everything observable about a scheduler, for "nothing changed" checks. */
export function observe(scheduler: ReplicationScheduler): string {
  return JSON.stringify({
    jobs: scheduler.jobs().map((j) => ({ ...j, blockId: undefined, deadline: j.deadline.getTime() })),
    trims: scheduler.trims().map((t) => ({ ...t, blockId: undefined, deadline: t.deadline.getTime() })),
    stats: scheduler.stats,
    drain: scheduler.drainProgress(),
    hasReady: scheduler.hasReady(),
    next: scheduler.nextDeadline(),
  });
}
