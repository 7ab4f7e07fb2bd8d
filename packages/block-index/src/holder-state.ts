/**
 * The one piece of node lifecycle the block index needs: can a holder serve reads of the blocks it
 * stores, and will it keep doing so. The index deliberately does not import `node-state`; the caller
 * (normally `replication`) maps its node states onto these three and tells the index whenever a
 * holder's classification changes.
 *
 * Suggested mapping from the seed's `NodeState`:
 *
 * | NodeState | HolderState | counts as a copy |
 * |---|---|---|
 * | `ONLINE` | `SERVING` | yes |
 * | `SCHEDULED_SHUTDOWN` | `LEAVING` | yes, until it leaves (it still serves reads); not a *durable* copy |
 * | `EMERGENCY_SHUTDOWN`, `OFFLINE` | `UNAVAILABLE` | no |
 * | `PERMANENTLY_OFFLINE` | `UNAVAILABLE` (and the caller records its locations as dropped) | no |
 *
 * A node that is up but only partially available counts when it can still serve reads (read-only
 * nodes are `SERVING`; write-only or unreachable ones are `UNAVAILABLE`).
 */
import { BrightChainError } from '@brightchain/core';
import { BlockIndexErrorCode } from './error-codes';

/**
 * How a holder's stored blocks count towards copy counts.
 *
 * @example
 * ```ts
 * index.setHolderState(nodeId, HolderState.LEAVING); // scheduled shutdown: still counts, not durable
 * ```
 */
export const HolderState = {
  /** Serves reads and is expected to keep its blocks: a full copy. */
  SERVING: 'SERVING',
  /** Serves reads now but is leaving (scheduled shutdown): counts as a copy, not as a durable one. */
  LEAVING: 'LEAVING',
  /** Cannot serve reads (down, unreachable, gone): its blocks do not count. */
  UNAVAILABLE: 'UNAVAILABLE',
} as const;

/** Union of the {@link HolderState} values. */
export type HolderState = (typeof HolderState)[keyof typeof HolderState];

/** Internal numeric codes, stored per interned node in a byte. */
export const HOLDER_SERVING = 0;
export const HOLDER_LEAVING = 1;
export const HOLDER_UNAVAILABLE = 2;

const CODES: Readonly<Record<HolderState, number>> = {
  SERVING: HOLDER_SERVING,
  LEAVING: HOLDER_LEAVING,
  UNAVAILABLE: HOLDER_UNAVAILABLE,
};

const NAMES: readonly HolderState[] = [HolderState.SERVING, HolderState.LEAVING, HolderState.UNAVAILABLE];

/**
 * The numeric code of a holder state, checking it.
 *
 * @throws BrightChainError `BC_INDEX_HOLDER_STATE_INVALID` for anything else
 */
export function holderStateCode(state: unknown): number {
  if (typeof state === 'string' && Object.hasOwn(CODES, state)) return CODES[state as HolderState];
  throw new BrightChainError(
    BlockIndexErrorCode.HOLDER_STATE_INVALID,
    'holder state must be SERVING, LEAVING or UNAVAILABLE',
    {
      details: { state: String(state).slice(0, 64) },
    },
  );
}

/** The holder state named by an internal code. */
export function holderStateName(code: number): HolderState {
  return NAMES[code] ?? HolderState.UNAVAILABLE;
}
