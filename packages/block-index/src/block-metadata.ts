/**
 * Per-block metadata the index keeps locally to rank replication work: copy bounds, the wanted
 * regional spread, a priority class and the block's size. It is local configuration (normally set by
 * the replication layer from its policy), not replicated between indexes: two nodes may rank the
 * same block differently, but they agree on where it lives.
 */
import { BrightChainError } from '@brightchain/core';
import { BlockIndexErrorCode } from './error-codes';

/** How many copies a block should have, how widely spread, how important it is, and its size. */
export interface BlockMetadata {
  /** Below this many copies the block is urgently under-replicated. 0–255. */
  readonly minimumCopies: number;
  /** The number of copies replication aims for; fewer is under-replicated. minimum ≤ target ≤ 255. */
  readonly targetCopies: number;
  /** More copies than this is over-replicated. target ≤ maximum ≤ 255. */
  readonly maximumCopies: number;
  /** Distinct regions wanted among copies (1 turns the spread check off). 1–255. */
  readonly minimumRegions: number;
  /** Priority class, 0–255, higher first (e.g. LOW 0, MEDIUM 1, HIGH 2, CRITICAL 3). */
  readonly priority: number;
  /** Block size in bytes, 0 to 2^32 − 1, for the scheduler's bandwidth planning. */
  readonly sizeBytes: number;
}

/**
 * Metadata of blocks nobody configured: 2 / 3 / 5 copies, 2 regions, priority 0, size 0.
 *
 * @example
 * ```ts
 * const index = new BlockIndex({ replicaId, clock, defaultMetadata: { ...DEFAULT_BLOCK_METADATA, targetCopies: 4 } });
 * ```
 */
export const DEFAULT_BLOCK_METADATA: BlockMetadata = Object.freeze({
  minimumCopies: 2,
  targetCopies: 3,
  maximumCopies: 5,
  minimumRegions: 2,
  priority: 0,
  sizeBytes: 0,
});

const MAX_SIZE_BYTES = 0xffff_ffff;
const BYTE_FIELDS = ['minimumCopies', 'targetCopies', 'maximumCopies', 'minimumRegions', 'priority'] as const;

function invalid(reason: string, details: Record<string, unknown>): BrightChainError {
  return new BrightChainError(BlockIndexErrorCode.METADATA_INVALID, `invalid block metadata: ${reason}`, {
    details,
  });
}

/**
 * `base` with the fields of `update` applied, checked.
 *
 * @throws BrightChainError `BC_INDEX_METADATA_INVALID` for a field out of range, an unknown field or
 * `minimumCopies ≤ targetCopies ≤ maximumCopies` violated
 * @internal
 */
export function resolveMetadata(base: BlockMetadata, update: unknown): BlockMetadata {
  if (typeof update !== 'object' || update === null) throw invalid('metadata must be an object', {});
  const fields = update as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!(BYTE_FIELDS as readonly string[]).includes(key) && key !== 'sizeBytes') {
      throw invalid(`unknown field ${key}`, { field: key.slice(0, 64) });
    }
  }
  const merged: Record<string, number> = { ...base };
  for (const key of BYTE_FIELDS) {
    const value = fields[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 255) {
      throw invalid(`${key} must be an integer in 0..255`, { field: key, value: String(value) });
    }
    merged[key] = value;
  }
  if (fields.sizeBytes !== undefined) {
    const size = fields.sizeBytes;
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size > MAX_SIZE_BYTES) {
      throw invalid('sizeBytes must be an integer in 0..2^32-1', {
        field: 'sizeBytes',
        value: String(size),
      });
    }
    merged.sizeBytes = size;
  }
  const result = merged as unknown as BlockMetadata;
  if (result.minimumRegions < 1)
    throw invalid('minimumRegions must be at least 1', { value: result.minimumRegions });
  if (!(result.minimumCopies <= result.targetCopies && result.targetCopies <= result.maximumCopies)) {
    throw invalid('need minimumCopies ≤ targetCopies ≤ maximumCopies', {
      minimumCopies: result.minimumCopies,
      targetCopies: result.targetCopies,
      maximumCopies: result.maximumCopies,
    });
  }
  return Object.freeze({ ...result });
}
