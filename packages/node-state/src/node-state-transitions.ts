/**
 * The node lifecycle transition table. Every state change anywhere in this package (a node's own
 * {@link NodeLifecycle}, the {@link NodeRegistry}'s view of remote nodes) is checked against it.
 *
 * | from | to | how |
 * |---|---|---|
 * | ONLINE | SCHEDULED_SHUTDOWN | a `ShutdownRequest` is announced |
 * | ONLINE | EMERGENCY_SHUTDOWN | emergency declared, or failure detected |
 * | SCHEDULED_SHUTDOWN | ONLINE | shutdown cancelled |
 * | SCHEDULED_SHUTDOWN | EMERGENCY_SHUTDOWN | crashed mid-drain |
 * | SCHEDULED_SHUTDOWN | OFFLINE | drained (or forced): `goOffline`, or the shutdown time with the drain done |
 * | EMERGENCY_SHUTDOWN | ONLINE | false alarm / recovered within the grace period |
 * | EMERGENCY_SHUTDOWN | OFFLINE | stopped, or grace period over |
 * | OFFLINE | ONLINE | back before the down-out deadline |
 * | OFFLINE | PERMANENTLY_OFFLINE | down-out deadline passed, announced permanent, or retired |
 *
 * There is no `ONLINE → OFFLINE`: a node leaves either through a drained (or explicitly forced)
 * scheduled shutdown or through an emergency, so the network always learns which one it was.
 * There is no way out of `PERMANENTLY_OFFLINE` and no self-transition.
 */
import { BrightChainError } from '@brightchain/core';
import { NodeStateErrorCode } from './error-codes';
import { NODE_STATES, NodeState } from './node-state';

/**
 * For each state, the states it may move to. Frozen; 9 of the 25 ordered pairs are legal.
 *
 * @example
 * ```ts
 * NODE_STATE_TRANSITIONS.OFFLINE; // ['ONLINE', 'PERMANENTLY_OFFLINE']
 * ```
 */
export const NODE_STATE_TRANSITIONS: Readonly<Record<NodeState, readonly NodeState[]>> = Object.freeze({
  [NodeState.ONLINE]: Object.freeze([NodeState.SCHEDULED_SHUTDOWN, NodeState.EMERGENCY_SHUTDOWN]),
  [NodeState.SCHEDULED_SHUTDOWN]: Object.freeze([
    NodeState.ONLINE,
    NodeState.EMERGENCY_SHUTDOWN,
    NodeState.OFFLINE,
  ]),
  [NodeState.EMERGENCY_SHUTDOWN]: Object.freeze([NodeState.ONLINE, NodeState.OFFLINE]),
  [NodeState.OFFLINE]: Object.freeze([NodeState.ONLINE, NodeState.PERMANENTLY_OFFLINE]),
  [NodeState.PERMANENTLY_OFFLINE]: Object.freeze([] as NodeState[]),
});

/**
 * True when the table allows `from → to`.
 *
 * @example
 * ```ts
 * isLegalTransition(NodeState.ONLINE, NodeState.SCHEDULED_SHUTDOWN); // true
 * isLegalTransition(NodeState.ONLINE, NodeState.OFFLINE); // false
 * ```
 */
export function isLegalTransition(from: NodeState, to: NodeState): boolean {
  return NODE_STATE_TRANSITIONS[from]?.includes(to) ?? false;
}

/**
 * Throws unless the table allows `from → to`.
 *
 * @param context - extra details for the error (node id, command)
 * @throws BrightChainError `BC_NODE_TRANSITION_ILLEGAL` with `{ from, to, allowed, ...context }`
 * @example
 * ```ts
 * assertLegalTransition(NodeState.OFFLINE, NodeState.ONLINE); // ok
 * assertLegalTransition(NodeState.PERMANENTLY_OFFLINE, NodeState.ONLINE); // throws
 * ```
 */
export function assertLegalTransition(
  from: NodeState,
  to: NodeState,
  context: Readonly<Record<string, unknown>> = {},
): void {
  if (isLegalTransition(from, to)) return;
  throw new BrightChainError(
    NodeStateErrorCode.NODE_TRANSITION_ILLEGAL,
    `illegal node transition ${from} → ${to}`,
    {
      details: { ...context, from, to, allowed: [...(NODE_STATE_TRANSITIONS[from] ?? [])] },
    },
  );
}

/**
 * True when `to` can be reached from `from` by one or more legal transitions. The registry uses it
 * for gossiped announcements, which may skip states whose announcements were lost: every state is
 * reachable from every other except that nothing leaves `PERMANENTLY_OFFLINE`.
 *
 * @example
 * ```ts
 * isReachableState(NodeState.ONLINE, NodeState.OFFLINE); // true (via a shutdown)
 * isReachableState(NodeState.PERMANENTLY_OFFLINE, NodeState.ONLINE); // false
 * ```
 */
export function isReachableState(from: NodeState, to: NodeState): boolean {
  const seen = new Set<NodeState>([from]);
  const queue: NodeState[] = [from];
  while (queue.length > 0) {
    const state = queue.shift() as NodeState;
    for (const next of NODE_STATE_TRANSITIONS[state]) {
      if (next === to) return true;
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return false;
}

/**
 * Every legal `[from, to]` pair, in table order (for docs and exhaustive tests).
 *
 * @example
 * ```ts
 * legalTransitions().length; // 9
 * ```
 */
export function legalTransitions(): Array<readonly [NodeState, NodeState]> {
  return NODE_STATES.flatMap((from) => NODE_STATE_TRANSITIONS[from].map((to) => [from, to] as const));
}
