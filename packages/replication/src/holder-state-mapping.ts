/**
 * How a node's lifecycle state counts in the block index (the mapping `block-index`'s
 * `HolderState` documents and leaves to replication):
 *
 * | node (node-state) | HolderState | copies count |
 * |---|---|---|
 * | `ONLINE`, serving reads | `SERVING` | yes, durable |
 * | `ONLINE`, reads off (write-only) | `UNAVAILABLE` | no |
 * | `SCHEDULED_SHUTDOWN` | `LEAVING` | yes until it leaves, not durable |
 * | `EMERGENCY_SHUTDOWN`, `OFFLINE`, `PERMANENTLY_OFFLINE`, or dead/left in membership | `UNAVAILABLE` | no |
 */
import { HolderState } from '@brightchain/block-index';
import { type NodeCapabilities, NodeState } from '@brightchain/node-state';

/**
 * The block-index holder state of a node in `state` with `capabilities` (when known).
 *
 * @param membershipDown - membership declared the node dead or gone, whatever its last announced state
 * @throws nothing
 * @example
 * ```ts
 * holderStateFor(NodeState.SCHEDULED_SHUTDOWN); // 'LEAVING'
 * ```
 */
export function holderStateFor(
  state: NodeState,
  capabilities?: Pick<NodeCapabilities, 'storage' | 'reads'>,
  membershipDown = false,
): HolderState {
  if (membershipDown) return HolderState.UNAVAILABLE;
  if (state === NodeState.SCHEDULED_SHUTDOWN) return HolderState.LEAVING;
  if (state !== NodeState.ONLINE) return HolderState.UNAVAILABLE;
  if (capabilities !== undefined && !(capabilities.storage && capabilities.reads))
    return HolderState.UNAVAILABLE;
  return HolderState.SERVING;
}
