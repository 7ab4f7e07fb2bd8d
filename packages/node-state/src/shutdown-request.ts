/**
 * The seed's graceful-shutdown announcement, `ShutdownRequest`, and the one rule its per-block
 * status obeys: `PENDING → IN_PROGRESS → COMPLETED`, one step at a time, never backwards.
 *
 * The seed types `blockId` as a Node `Buffer`; here it is a `Uint8Array` (a `Buffer` is one), the
 * 64-byte SHA3-512 checksum that names the block (`CHECKSUM_LENGTH` in core).
 */
import { BrightChainError, CHECKSUM_LENGTH, checksumToHex, type GuidV4, isGuidV4 } from '@brightchain/core';
import { NodeStateErrorCode } from './error-codes';
import { InputIssues } from './input-issues';

/** Where re-replicating one affected block stands. `COMPLETED` means it reached its target copies elsewhere. */
export type BlockReplicationStatus = 'PENDING' | 'IN_PROGRESS' | 'COMPLETED';

/**
 * The block statuses in the only order they may take.
 *
 * @example
 * ```ts
 * BLOCK_REPLICATION_STATUSES.indexOf('IN_PROGRESS'); // 1
 * ```
 */
export const BLOCK_REPLICATION_STATUSES: readonly BlockReplicationStatus[] = Object.freeze([
  'PENDING',
  'IN_PROGRESS',
  'COMPLETED',
]);

/** One block the shutdown affects. */
export interface AffectedBlock {
  /** The block's 64-byte checksum. */
  readonly blockId: Uint8Array;
  /**
   * Drain priority, a non-negative safe integer; **higher drains first** (as the replication
   * policy's CRITICAL > HIGH > MEDIUM > LOW levels).
   */
  readonly priority: number;
  readonly replicationStatus: BlockReplicationStatus;
}

/** A node's announcement that it will shut down (the seed's interface). */
export interface ShutdownRequest {
  readonly nodeId: GuidV4;
  /** When the node intends to stop serving. */
  readonly shutdownTime: Date;
  /** How long it expects to be away, in ms. Omitted when unknown; must be omitted when `permanent`. */
  readonly expectedDuration?: number;
  /** The node will never come back: its data must be fully re-homed. */
  readonly permanent: boolean;
  /** Blocks that must be re-replicated before the node may go offline. */
  readonly affectedBlocks: readonly AffectedBlock[];
}

/**
 * Bounds enforced by {@link validateShutdownRequest}.
 *
 * @example
 * ```ts
 * if (blocks.length > SHUTDOWN_REQUEST_LIMITS.maxAffectedBlocks) splitIntoSeveralShutdowns(blocks);
 * ```
 */
export const SHUTDOWN_REQUEST_LIMITS = Object.freeze({ maxAffectedBlocks: 1_000_000 });

const REQUEST_KEYS = new Set(['nodeId', 'shutdownTime', 'expectedDuration', 'permanent', 'affectedBlocks']);
const BLOCK_KEYS = new Set(['blockId', 'priority', 'replicationStatus']);

/**
 * Checks a ShutdownRequest and returns a frozen deep copy (block ids copied).
 *
 * Rejected: a `nodeId` that is not a canonical GuidV4; an invalid `shutdownTime`; an
 * `expectedDuration` that is not a non-negative safe integer of ms, or present on a permanent
 * shutdown; a non-boolean `permanent`; `affectedBlocks` that is not an array (or longer than
 * {@link SHUTDOWN_REQUEST_LIMITS}); a block id that is not 64 bytes; a duplicate block id; a
 * priority that is not a non-negative safe integer; an unknown replication status; unknown fields.
 *
 * @param expectedNodeId - when given, the request must be for this node
 * @throws BrightChainError `BC_NODE_SHUTDOWN_INVALID` with `details.issues: { path, reason }[]`
 * @example
 * ```ts
 * const request = validateShutdownRequest({
 *   nodeId, shutdownTime: new Date(now + 3_600_000), expectedDuration: 7_200_000, permanent: false,
 *   affectedBlocks: [{ blockId: checksum(data), priority: 3, replicationStatus: 'PENDING' }],
 * });
 * ```
 */
export function validateShutdownRequest(input: unknown, expectedNodeId?: GuidV4): ShutdownRequest {
  const issues = new InputIssues();
  const request = issues.object('', input);
  if (request !== undefined) {
    for (const key of Object.keys(request))
      if (!REQUEST_KEYS.has(key)) issues.add(key, 'is not a ShutdownRequest field');
    if (!isGuidV4(request.nodeId)) issues.add('nodeId', 'must be a canonical lower-case GuidV4');
    else if (expectedNodeId !== undefined && request.nodeId !== expectedNodeId) {
      issues.add('nodeId', `is for another node (expected ${expectedNodeId})`);
    }
    issues.date('shutdownTime', request.shutdownTime);
    const permanentOk = issues.boolean('permanent', request.permanent);
    if (request.expectedDuration !== undefined) {
      issues.count('expectedDuration', request.expectedDuration);
      if (permanentOk && request.permanent)
        issues.add('expectedDuration', 'must be omitted for a permanent shutdown');
    }
    const blocks = request.affectedBlocks;
    if (!Array.isArray(blocks)) {
      issues.add('affectedBlocks', 'must be an array');
    } else if (blocks.length > SHUTDOWN_REQUEST_LIMITS.maxAffectedBlocks) {
      issues.add('affectedBlocks', `must have at most ${SHUTDOWN_REQUEST_LIMITS.maxAffectedBlocks} entries`);
    } else {
      const seen = new Map<string, number>();
      blocks.forEach((entry: unknown, i) => {
        const path = `affectedBlocks.${i}`;
        const block = issues.object(path, entry);
        if (block === undefined) return;
        for (const key of Object.keys(block))
          if (!BLOCK_KEYS.has(key)) issues.add(`${path}.${key}`, 'is not a block field');
        const id = block.blockId;
        if (!(id instanceof Uint8Array) || id.length !== CHECKSUM_LENGTH) {
          issues.add(`${path}.blockId`, `must be a ${CHECKSUM_LENGTH}-byte checksum`);
        } else {
          const hex = checksumToHex(id);
          const first = seen.get(hex);
          if (first !== undefined) issues.add(`${path}.blockId`, `duplicates affectedBlocks.${first}`);
          else seen.set(hex, i);
        }
        issues.count(`${path}.priority`, block.priority);
        if (!(BLOCK_REPLICATION_STATUSES as readonly unknown[]).includes(block.replicationStatus)) {
          issues.add(`${path}.replicationStatus`, "must be 'PENDING', 'IN_PROGRESS' or 'COMPLETED'");
        }
      });
    }
  }
  issues.throwIfAny(NodeStateErrorCode.NODE_SHUTDOWN_INVALID, 'ShutdownRequest');
  const valid = input as ShutdownRequest;
  return Object.freeze({
    nodeId: valid.nodeId,
    shutdownTime: new Date(valid.shutdownTime.getTime()),
    ...(valid.expectedDuration === undefined ? {} : { expectedDuration: valid.expectedDuration }),
    permanent: valid.permanent,
    affectedBlocks: Object.freeze(
      valid.affectedBlocks.map((block) =>
        Object.freeze({
          blockId: Uint8Array.from(block.blockId),
          priority: block.priority,
          replicationStatus: block.replicationStatus,
        }),
      ),
    ),
  });
}

/**
 * True when `to` is the one status after `from` (`PENDING → IN_PROGRESS`, `IN_PROGRESS → COMPLETED`).
 *
 * @example
 * ```ts
 * isNextBlockStatus('PENDING', 'IN_PROGRESS'); // true
 * isNextBlockStatus('PENDING', 'COMPLETED'); // false: IN_PROGRESS cannot be skipped
 * ```
 */
export function isNextBlockStatus(from: BlockReplicationStatus, to: BlockReplicationStatus): boolean {
  const i = BLOCK_REPLICATION_STATUSES.indexOf(from);
  return i >= 0 && BLOCK_REPLICATION_STATUSES[i + 1] === to;
}

/**
 * Throws unless `to` is the one status after `from`.
 *
 * @throws BrightChainError `BC_NODE_BLOCK_STATUS_INVALID` with `{ from, to, blockId? }`
 * @example
 * ```ts
 * assertNextBlockStatus('IN_PROGRESS', 'COMPLETED'); // ok
 * assertNextBlockStatus('COMPLETED', 'PENDING'); // throws
 * ```
 */
export function assertNextBlockStatus(
  from: BlockReplicationStatus,
  to: BlockReplicationStatus,
  blockId?: Uint8Array,
): void {
  if (isNextBlockStatus(from, to)) return;
  throw new BrightChainError(
    NodeStateErrorCode.NODE_BLOCK_STATUS_INVALID,
    `block replication status cannot move ${String(from)} → ${String(to)} (only PENDING → IN_PROGRESS → COMPLETED)`,
    { details: { from, to, ...(blockId === undefined ? {} : { blockId: checksumToHex(blockId) }) } },
  );
}
