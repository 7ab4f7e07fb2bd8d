/**
 * Per-block and per-class replication policies. The scheduler asks the resolver for each block's
 * policy; resolution order is: a policy set for that block, then the policy of its importance class
 * (the block index's metadata `priority`, 0–255), then the default.
 */
import type { BlockMetadata } from '@brightchain/block-index';
import { BrightChainError, CHECKSUM_LENGTH } from '@brightchain/core';
import { blockHexOf } from './block-key';
import { ReplicationErrorCode } from './error-codes';
import {
  DEFAULT_REPLICATION_POLICY,
  type ReplicationPolicy,
  validateReplicationPolicy,
} from './replication-policy';

/** Options of a {@link ReplicationPolicyResolver}. */
export interface ReplicationPolicyResolverOptions {
  /** Policy of blocks with no other. Default {@link DEFAULT_REPLICATION_POLICY}. */
  readonly defaultPolicy?: ReplicationPolicy;
  /** Named policies, for {@link ReplicationPolicyResolver.setBlockPolicy} by name. */
  readonly classes?: Readonly<Record<string, ReplicationPolicy>>;
  /** Policy by importance class (the index metadata's `priority`, 0–255). */
  readonly byImportance?: Readonly<Record<number, ReplicationPolicy>>;
}

function commandError(message: string, details: Record<string, unknown>): BrightChainError {
  return new BrightChainError(ReplicationErrorCode.COMMAND_INVALID, message, { details });
}

/**
 * Resolves the {@link ReplicationPolicy} of each block.
 *
 * @throws nothing
 * @example
 * ```ts
 * const resolver = new ReplicationPolicyResolver({
 *   classes: { archive: { ...DEFAULT_REPLICATION_POLICY, targetCopies: 5, maximumCopies: 8 } },
 *   byImportance: { 3: { ...DEFAULT_REPLICATION_POLICY, minimumCopies: 3, targetCopies: 4 } },
 * });
 * resolver.setBlockPolicy(blockId, 'archive');
 * resolver.resolve(blockId).targetCopies; // 5
 * ```
 */
export class ReplicationPolicyResolver {
  /** The policy of blocks with no other. */
  readonly defaultPolicy: ReplicationPolicy;
  private readonly classes = new Map<string, ReplicationPolicy>();
  private readonly importance = new Map<number, ReplicationPolicy>();
  private readonly perBlock = new Map<string, ReplicationPolicy>();

  /**
   * @throws BrightChainError `BC_REPLICATION_POLICY_INVALID` for an invalid policy (the path names
   * which one); `BC_REPLICATION_COMMAND_INVALID` for an importance key outside 0–255
   */
  constructor(options: ReplicationPolicyResolverOptions = {}) {
    this.defaultPolicy = validateReplicationPolicy(options.defaultPolicy ?? DEFAULT_REPLICATION_POLICY);
    for (const [name, policy] of Object.entries(options.classes ?? {})) {
      this.classes.set(name, validateReplicationPolicy(policy));
    }
    for (const [key, policy] of Object.entries(options.byImportance ?? {})) {
      const importance = Number(key);
      if (!Number.isInteger(importance) || importance < 0 || importance > 255) {
        throw commandError('importance class must be an integer in 0..255', { importance: key });
      }
      this.importance.set(importance, validateReplicationPolicy(policy));
    }
  }

  /**
   * Gives one block its own policy (or a named class's).
   *
   * @throws BrightChainError `BC_REPLICATION_COMMAND_INVALID` for a bad block id or an unknown class
   * name; `BC_REPLICATION_POLICY_INVALID` for an invalid policy
   * @example
   * ```ts
   * resolver.setBlockPolicy(blockId, { ...DEFAULT_REPLICATION_POLICY, targetCopies: 4, maximumCopies: 6 });
   * ```
   */
  setBlockPolicy(blockId: Uint8Array | string, policy: ReplicationPolicy | string): void {
    const hex = this.hex(blockId);
    if (typeof policy === 'string') {
      const named = this.classes.get(policy);
      if (named === undefined) throw commandError('unknown policy class', { name: policy.slice(0, 64) });
      this.perBlock.set(hex, named);
      return;
    }
    this.perBlock.set(hex, validateReplicationPolicy(policy));
  }

  /**
   * Removes a block's own policy (it falls back to its class or the default).
   *
   * @throws BrightChainError `BC_REPLICATION_COMMAND_INVALID` for a bad block id
   * @example
   * ```ts
   * resolver.clearBlockPolicy(blockId);
   * ```
   */
  clearBlockPolicy(blockId: Uint8Array | string): void {
    this.perBlock.delete(this.hex(blockId));
  }

  /**
   * Sets (or replaces) a named class.
   *
   * @throws BrightChainError `BC_REPLICATION_POLICY_INVALID` for an invalid policy
   * @example
   * ```ts
   * resolver.setClassPolicy('hot', { ...DEFAULT_REPLICATION_POLICY, targetCopies: 4, maximumCopies: 6 });
   * ```
   */
  setClassPolicy(name: string, policy: ReplicationPolicy): void {
    this.classes.set(String(name), validateReplicationPolicy(policy));
  }

  /**
   * The policy of a block: its own, else its importance class's (from `metadata.priority`), else the default.
   *
   * @throws BrightChainError `BC_REPLICATION_COMMAND_INVALID` for a bad block id
   * @example
   * ```ts
   * const policy = resolver.resolve(blockId, index.metadataOf(blockId));
   * ```
   */
  resolve(blockId: Uint8Array | string, metadata?: Pick<BlockMetadata, 'priority'>): ReplicationPolicy {
    if (this.perBlock.size === 0) {
      // Nothing per block: only check the id (cheaply for bytes, the scheduler's hot path).
      if (!(blockId instanceof Uint8Array && blockId.length === CHECKSUM_LENGTH)) this.hex(blockId);
    } else {
      const own = this.perBlock.get(this.hex(blockId));
      if (own !== undefined) return own;
    }
    if (metadata !== undefined) {
      const byClass = this.importance.get(metadata.priority);
      if (byClass !== undefined) return byClass;
    }
    return this.defaultPolicy;
  }

  /**
   * Number of blocks with their own policy.
   *
   * @throws nothing
   * @example
   * ```ts
   * resolver.blockPolicies;
   * ```
   */
  get blockPolicies(): number {
    return this.perBlock.size;
  }

  private hex(blockId: unknown): string {
    const hex = blockHexOf(blockId);
    if (hex === undefined) throw commandError('not a block id (64 bytes or 128 hex characters)', {});
    return hex;
  }
}
