/**
 * Partial availability — the seed's open question "how should we handle partial node
 * availability?" — as checks every placement and read decision goes through:
 *
 * - **reads but not writes**: `reads: true, writes: false` (e.g. a disk near end of life, a node
 *   being drained, an operator freezing growth). The node keeps counting as a holder of what it
 *   has; replication never places new copies on it.
 * - **limited bandwidth**: `bandwidth.{upload,download}BytesPerSecond`; 0 closes a direction.
 *   {@link minimumTransferMs} gives replication a lower bound on how long a transfer takes, for
 *   deadlines and for preferring faster sources.
 * - **geographic restrictions**: `allowedRegions` lists the only block regions/jurisdictions the
 *   node may hold; a restricted node accepts only blocks tagged with one of them.
 *
 * A node in `SCHEDULED_SHUTDOWN` still serves reads (so it can feed its own drain) but takes no
 * new writes; `EMERGENCY_SHUTDOWN`, `OFFLINE` and `PERMANENTLY_OFFLINE` serve nothing.
 */
import { NodeState } from './node-state';
import type { NodeCapabilities } from './node-capabilities';
import { freeSpace, type NodeStatus } from './node-status';

/**
 * True when the node can serve block reads now: running (`ONLINE` or `SCHEDULED_SHUTDOWN`), offers
 * storage, has `reads`, and its upload bandwidth is not closed.
 *
 * @example
 * ```ts
 * const sources = holders.filter((status) => canServeReads(status));
 * ```
 */
export function canServeReads(status: Pick<NodeStatus, 'state' | 'capabilities'>): boolean {
  const caps = status.capabilities;
  const running = status.state === NodeState.ONLINE || status.state === NodeState.SCHEDULED_SHUTDOWN;
  return running && caps.storage && caps.reads && (caps.bandwidth?.uploadBytesPerSecond ?? 1) > 0;
}

/**
 * True when the node may accept a new block or replica now: `ONLINE` (not shutting down), offers
 * storage, has `writes`, download bandwidth not closed, the block's region allowed (a restricted
 * node accepts only blocks whose `blockRegion` is in its `allowedRegions`; untagged blocks go to
 * unrestricted nodes), and — when `bytes` is given — at least that much {@link freeSpace}.
 *
 * @param blockRegion - the region/jurisdiction tag of the block, if it has one
 * @param bytes - the block's size, to check free space
 * @example
 * ```ts
 * const targets = candidates.filter((status) => canAcceptWrites(status, 'EU', block.length));
 * ```
 */
export function canAcceptWrites(
  status: Pick<NodeStatus, 'state' | 'capabilities' | 'storageMetrics'>,
  blockRegion?: string,
  bytes?: number,
): boolean {
  const caps = status.capabilities;
  if (status.state !== NodeState.ONLINE || !caps.storage || !caps.writes) return false;
  if ((caps.bandwidth?.downloadBytesPerSecond ?? 1) <= 0) return false;
  if (!regionAllowed(caps, blockRegion)) return false;
  return bytes === undefined || freeSpace(status) >= bytes;
}

/**
 * True when a node with these capabilities may hold a block tagged `blockRegion` (ignoring state,
 * access and space).
 *
 * @example
 * ```ts
 * regionAllowed({ ...caps, allowedRegions: ['EU'] }, 'EU'); // true
 * regionAllowed({ ...caps, allowedRegions: ['EU'] }, undefined); // false: untagged
 * ```
 */
export function regionAllowed(caps: Pick<NodeCapabilities, 'allowedRegions'>, blockRegion?: string): boolean {
  if (caps.allowedRegions === undefined) return true;
  return blockRegion !== undefined && caps.allowedRegions.includes(blockRegion);
}

/**
 * Lower bound, in whole milliseconds (rounded up), on moving `bytes` through the node's advertised
 * bandwidth: `ceil(bytes × 1000 / bytesPerSecond)`. 0 when that direction is not limited;
 * `Infinity` when it is closed (0 bytes/s) and `bytes > 0`.
 *
 * @param direction - `upload` (the node sends: reads, replication source) or `download` (it receives)
 * @example
 * ```ts
 * minimumTransferMs(caps, 4 * 2 ** 20, 'upload'); // 4 MiB at 1 MiB/s → 4000
 * ```
 */
export function minimumTransferMs(
  caps: Pick<NodeCapabilities, 'bandwidth'>,
  bytes: number,
  direction: 'upload' | 'download',
): number {
  if (caps.bandwidth === undefined || bytes <= 0) return 0;
  const rate =
    direction === 'upload' ? caps.bandwidth.uploadBytesPerSecond : caps.bandwidth.downloadBytesPerSecond;
  if (rate <= 0) return Number.POSITIVE_INFINITY;
  return Math.ceil((bytes * 1000) / rate);
}
