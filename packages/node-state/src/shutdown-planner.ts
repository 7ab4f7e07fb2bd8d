/**
 * The drain plan of one scheduled shutdown: which affected blocks still have to be re-replicated,
 * in which order, and how far each one is. `NodeLifecycle` owns one while a shutdown is announced
 * and refuses to go `OFFLINE` until the plan is complete (or the caller forces it).
 *
 * Order: highest `priority` first; ties by block id (byte order), so every node and every replay
 * agrees on the order.
 */
import { BrightChainError, checksumToHex } from '@brightchain/core';
import { NodeStateErrorCode } from './error-codes';
import {
  type AffectedBlock,
  assertNextBlockStatus,
  type BlockReplicationStatus,
  type ShutdownRequest,
  validateShutdownRequest,
} from './shutdown-request';

interface PlannedBlock {
  readonly blockId: Uint8Array;
  readonly hex: string;
  readonly priority: number;
  status: BlockReplicationStatus;
}

/** Counts of affected blocks by status. */
export interface DrainProgress {
  readonly total: number;
  readonly pending: number;
  readonly inProgress: number;
  readonly completed: number;
}

/**
 * Tracks the per-block progress of a drain.
 *
 * @example
 * ```ts
 * const plan = new ShutdownPlan(request);
 * for (const block of plan.nextToStart(8)) {
 *   plan.advance(block.blockId, 'IN_PROGRESS');
 * }
 * plan.advance(blockId, 'COMPLETED');
 * plan.isComplete; // true once every block is COMPLETED
 * ```
 */
export class ShutdownPlan {
  private readonly base: ShutdownRequest;
  private readonly blocks = new Map<string, PlannedBlock>();
  private readonly ordered: PlannedBlock[];

  /**
   * @param request - the shutdown request (validated here)
   * @throws BrightChainError `BC_NODE_SHUTDOWN_INVALID` if the request is malformed
   */
  constructor(request: ShutdownRequest) {
    this.base = validateShutdownRequest(request);
    for (const block of this.base.affectedBlocks) {
      const planned: PlannedBlock = {
        blockId: block.blockId,
        hex: checksumToHex(block.blockId),
        priority: block.priority,
        status: block.replicationStatus,
      };
      this.blocks.set(planned.hex, planned);
    }
    this.ordered = [...this.blocks.values()].sort(
      (a, b) => b.priority - a.priority || (a.hex < b.hex ? -1 : a.hex > b.hex ? 1 : 0),
    );
  }

  /** The request with every block's current status, blocks in drain order. */
  get request(): ShutdownRequest {
    return Object.freeze({
      nodeId: this.base.nodeId,
      shutdownTime: new Date(this.base.shutdownTime.getTime()),
      ...(this.base.expectedDuration === undefined ? {} : { expectedDuration: this.base.expectedDuration }),
      permanent: this.base.permanent,
      affectedBlocks: Object.freeze(this.ordered.map(view)),
    });
  }

  /** True when every affected block is `COMPLETED` (always true for a request with no blocks). */
  get isComplete(): boolean {
    return this.ordered.every((block) => block.status === 'COMPLETED');
  }

  /** Counts by status. */
  get progress(): DrainProgress {
    let pending = 0;
    let inProgress = 0;
    let completed = 0;
    for (const block of this.ordered) {
      if (block.status === 'PENDING') pending++;
      else if (block.status === 'IN_PROGRESS') inProgress++;
      else completed++;
    }
    return Object.freeze({ total: this.ordered.length, pending, inProgress, completed });
  }

  /**
   * The current status of one block.
   *
   * @throws BrightChainError `BC_NODE_BLOCK_UNKNOWN` if the block is not in the request
   */
  status(blockId: Uint8Array): BlockReplicationStatus {
    return this.find(blockId).status;
  }

  /** True when the request lists this block. */
  has(blockId: Uint8Array): boolean {
    return blockId instanceof Uint8Array && this.blocks.has(checksumToHex(blockId));
  }

  /**
   * Moves one block a step forward. Nothing changes if it throws.
   *
   * @returns the status the block had before
   * @throws BrightChainError `BC_NODE_BLOCK_UNKNOWN` for a block not in the request;
   * `BC_NODE_BLOCK_STATUS_INVALID` unless `to` is the next status (`PENDING → IN_PROGRESS → COMPLETED`)
   */
  advance(blockId: Uint8Array, to: BlockReplicationStatus): BlockReplicationStatus {
    const block = this.find(blockId);
    assertNextBlockStatus(block.status, to, block.blockId);
    const from = block.status;
    block.status = to;
    return from;
  }

  /** Blocks not yet `COMPLETED`, in drain order. */
  remaining(): AffectedBlock[] {
    return this.ordered.filter((block) => block.status !== 'COMPLETED').map(view);
  }

  /** Up to `limit` `PENDING` blocks, in drain order: what replication should start next. */
  nextToStart(limit = Number.POSITIVE_INFINITY): AffectedBlock[] {
    const out: AffectedBlock[] = [];
    for (const block of this.ordered) {
      if (out.length >= limit) break;
      if (block.status === 'PENDING') out.push(view(block));
    }
    return out;
  }

  private find(blockId: Uint8Array): PlannedBlock {
    const block = blockId instanceof Uint8Array ? this.blocks.get(checksumToHex(blockId)) : undefined;
    if (block === undefined) {
      throw new BrightChainError(
        NodeStateErrorCode.NODE_BLOCK_UNKNOWN,
        'block is not in the shutdown request',
        {
          details: { blockId: blockId instanceof Uint8Array ? checksumToHex(blockId) : typeof blockId },
        },
      );
    }
    return block;
  }
}

function view(block: PlannedBlock): AffectedBlock {
  return Object.freeze({
    blockId: Uint8Array.from(block.blockId),
    priority: block.priority,
    replicationStatus: block.status,
  });
}
