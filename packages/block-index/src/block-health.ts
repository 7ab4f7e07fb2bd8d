/** What the index reports about one block and its holders. */
import type { GuidV4 } from '@brightchain/core';
import type { BlockIdHex } from './block-id';
import type { BlockMetadata } from './block-metadata';
import type { EntryVersion } from './entry-version';
import type { HolderState } from './holder-state';

/**
 * Copy counts and replication needs of one block, from its stored locations, the holders' current
 * {@link HolderState}s and the block's {@link BlockMetadata}.
 */
export interface BlockHealth {
  /** The block. */
  readonly blockId: BlockIdHex;
  /** Copies that can serve reads: stored at `SERVING` or `LEAVING` holders. */
  readonly copies: number;
  /** Copies at `SERVING` holders only: what remains once leaving holders are gone. */
  readonly durableCopies: number;
  /** Copies at `LEAVING` holders (scheduled shutdown): they count until the holder leaves. */
  readonly leavingCopies: number;
  /** Holders that store the block but cannot serve reads now (`UNAVAILABLE`): not counted. */
  readonly unavailableHolders: number;
  /** Distinct regions among the counted copies. */
  readonly regions: number;
  /** `max(0, targetCopies − copies)`. */
  readonly deficit: number;
  /** `copies < minimumCopies`. */
  readonly belowMinimum: boolean;
  /** `max(0, copies − maximumCopies)`. */
  readonly surplus: number;
  /**
   * Regions missing for the wanted spread: `min(minimumRegions, copies) − regions` when the block has
   * at least 2 copies, else 0. Positive means the copies are clumped in too few regions.
   */
  readonly spreadDeficit: number;
  /** The block's metadata (the index default unless set with `setBlockMetadata`). */
  readonly metadata: BlockMetadata;
}

/** One holder that stores a block, as `holdersOf` reports it. */
export interface HolderLocation {
  /** The holder node. */
  readonly holder: GuidV4;
  /** Region of the holder's copy. */
  readonly region: string;
  /** When the holder started holding the block (ms since the epoch). */
  readonly since: number;
  /** When the copy was last verified (ms since the epoch). */
  readonly lastVerified: number;
  /** The holder's current state as last set with `setHolderState` (or the default). */
  readonly state: HolderState;
  /** True when this copy counts (`SERVING` or `LEAVING`). */
  readonly countsAsCopy: boolean;
  /** Version of the location entry. */
  readonly version: EntryVersion;
}

/** Sizes of the index. */
export interface BlockIndexStats {
  /** Distinct blocks known (with any entry or metadata). */
  readonly blocks: number;
  /** (block, holder) entries that say "stored". */
  readonly storedLocations: number;
  /** (block, holder) entries that say "dropped" (kept so merges cannot resurrect them). */
  readonly tombstones: number;
  /** Distinct holders with at least one entry (stored or dropped). */
  readonly holders: number;
  /** Blocks with fewer copies than their target. */
  readonly underReplicated: number;
  /** Blocks with more copies than their maximum. */
  readonly overReplicated: number;
  /** Blocks whose copies are clumped in too few regions. */
  readonly clumped: number;
}
