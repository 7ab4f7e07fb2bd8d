/**
 * Exactly one repairer per block, network-wide, with no coordination: each node runs the same rule
 * on its own view of the block's holders, and only the node the rule names schedules the block.
 *
 * Rule: among the holders whose copy counts (`SERVING` or `LEAVING` in the block index) and that are
 * not suspected, take the `LEAVING` ones if there are any (a node that is shutting down drains its
 * own blocks: it has the bytes and the deadline), otherwise all of them; the repairer is the one with
 * the smallest rendezvous weight for the block ({@link closestNode}). A block with no such holder has
 * no repairer (it cannot be copied; see the scheduler's steward rule for who reports it lost).
 *
 * Two nodes with the same view always agree. While views differ (a suspicion or a state change not
 * yet gossiped everywhere) two nodes may both act for a moment; the surplus that leaves is at most
 * one extra copy per disagreement, and the over-replication trim removes it once above maximum.
 */
import { HolderState } from '@brightchain/block-index';
import type { GuidV4 } from '@brightchain/core';
import { closestNode } from './rendezvous';

/** What the election needs to know about one holder of the block. */
export interface RepairCandidate {
  readonly holder: GuidV4;
  /** The holder's state in the block index. */
  readonly state: HolderState;
  /** Suspected by failure detection (predicted failure): never the repairer. */
  readonly suspected?: boolean;
}

/**
 * The node responsible for repairing the block, or `undefined` when no holder can be.
 *
 * @throws nothing for well-formed ids
 * @example
 * ```ts
 * const holders = index.holdersOf(blockId).map((h) => ({ holder: h.holder, state: h.state }));
 * if (electRepairer(blockId, holders) === self) { … }
 * ```
 */
export function electRepairer(
  blockId: string | Uint8Array,
  holders: readonly RepairCandidate[],
): GuidV4 | undefined {
  const live: GuidV4[] = [];
  const leaving: GuidV4[] = [];
  for (const h of holders) {
    if (h.state === HolderState.UNAVAILABLE || h.suspected === true) continue;
    live.push(h.holder);
    if (h.state === HolderState.LEAVING) leaving.push(h.holder);
  }
  return closestNode(blockId, leaving.length > 0 ? leaving : live);
}
