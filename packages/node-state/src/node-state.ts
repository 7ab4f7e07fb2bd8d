/**
 * The five lifecycle states of a BrightChain node, exactly as the seed design names them.
 *
 * `NodeState` is a const object of string literals rather than a TypeScript `enum`: the values are
 * their own names (`'ONLINE'`, …), so they survive JSON, msgpack, logs and dashboards unchanged,
 * compare with `===`, and need no reverse mapping; the type `NodeState` is the union of the values.
 */

/**
 * Lifecycle states of a node.
 *
 * - `ONLINE` — up and serving within its advertised capabilities.
 * - `SCHEDULED_SHUTDOWN` — up, has announced a `ShutdownRequest`, serves reads, takes no new
 *   writes and is draining the blocks it listed.
 * - `EMERGENCY_SHUTDOWN` — stopping without a drain (crash, failing disk, convicted by failure
 *   detection); not counted on for anything, the network must recover its data.
 * - `OFFLINE` — down; may come back before the down-out interval.
 * - `PERMANENTLY_OFFLINE` — gone for good (announced permanent, or down longer than the down-out
 *   interval); terminal.
 *
 * @example
 * ```ts
 * if (status.state === NodeState.ONLINE) console.log('serving');
 * JSON.stringify({ state: NodeState.OFFLINE }); // '{"state":"OFFLINE"}'
 * ```
 */
export const NodeState = {
  ONLINE: 'ONLINE',
  SCHEDULED_SHUTDOWN: 'SCHEDULED_SHUTDOWN',
  EMERGENCY_SHUTDOWN: 'EMERGENCY_SHUTDOWN',
  OFFLINE: 'OFFLINE',
  PERMANENTLY_OFFLINE: 'PERMANENTLY_OFFLINE',
} as const;

/** One of the {@link NodeState} values. */
export type NodeState = (typeof NodeState)[keyof typeof NodeState];

/**
 * Every {@link NodeState}, in lifecycle order.
 *
 * @example
 * ```ts
 * for (const state of NODE_STATES) console.log(state, canServeReads({ state, capabilities }));
 * ```
 */
export const NODE_STATES: readonly NodeState[] = Object.freeze([
  NodeState.ONLINE,
  NodeState.SCHEDULED_SHUTDOWN,
  NodeState.EMERGENCY_SHUTDOWN,
  NodeState.OFFLINE,
  NodeState.PERMANENTLY_OFFLINE,
]);

/**
 * True when `value` is one of the five {@link NodeState} strings.
 *
 * @example
 * ```ts
 * isNodeState('ONLINE'); // true
 * isNodeState('online'); // false
 * ```
 */
export function isNodeState(value: unknown): value is NodeState {
  return typeof value === 'string' && (NODE_STATES as readonly string[]).includes(value);
}

/**
 * True for the states in which a node is running and reachable (`ONLINE`, `SCHEDULED_SHUTDOWN`).
 *
 * @example
 * ```ts
 * isRunningState(NodeState.SCHEDULED_SHUTDOWN); // true
 * isRunningState(NodeState.EMERGENCY_SHUTDOWN); // false
 * ```
 */
export function isRunningState(state: NodeState): boolean {
  return state === NodeState.ONLINE || state === NodeState.SCHEDULED_SHUTDOWN;
}
