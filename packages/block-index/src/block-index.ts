/**
 * `BlockIndex`: where every block lives.
 *
 * State has two parts:
 * - **replicated** — one {@link LocationEntry} per (block, holder), a last-writer-wins register
 *   (see `location-entry.ts`). Local observations are recorded with {@link BlockIndex.record}; other
 *   replicas' entries arrive through {@link BlockIndex.merge} (normally driven by an
 *   `IndexSyncSession`). Merge is commutative, associative and idempotent, so replicas that have seen
 *   the same entries hold the same state, whatever the order.
 * - **local** — each block's {@link BlockMetadata} (copy bounds, spread, priority, size) and each
 *   holder's {@link HolderState}. These are inputs from the caller and are not replicated.
 *
 * From the two it maintains, incrementally, each block's copy count and its place in three ranked
 * bucket sets (under-replicated, over-replicated, clumped), so the replication scheduler reads the
 * most urgent work without scanning the index.
 *
 * Durability: with a `store`, every accepted change is written through the core `Store` port and
 * flushed before the call returns (unless `{ flush: false }` is passed, in which case the caller
 * calls {@link BlockIndex.flush} before acknowledging). Opening an index on a store rebuilds the
 * in-memory state from it.
 */
import {
  BrightChainError,
  CHECKSUM_LENGTH,
  type CanonicalValue,
  type Clock,
  type GuidV4,
  type Store,
  type WriteOperation,
  domainHash,
  encodeCanonical,
  guidV4ToBytes,
} from '@brightchain/core';
import { type BlockIdHex, type BlockIdInput, blockIdBytes, normalizeHexPrefix } from './block-id';
import { BlockIdTable } from './block-id-table';
import type { BlockHealth, BlockIndexStats, HolderLocation } from './block-health';
import { type BlockMetadata, DEFAULT_BLOCK_METADATA, resolveMetadata } from './block-metadata';
import {
  DIGEST_DEPTH,
  DIGEST_FANOUT,
  type DigestNode,
  DigestTree,
  LEAF_DOMAIN,
  checkDigestNode,
} from './digest-tree';
import { HybridLogicalClock } from './entry-version';

import { BlockIndexErrorCode } from './error-codes';
import {
  HOLDER_LEAVING,
  HOLDER_SERVING,
  HOLDER_UNAVAILABLE,
  type HolderState,
  holderStateCode,
  holderStateName,
} from './holder-state';
import { BlockColumns, EntryColumns } from './index-columns';
import { LocationBatch } from './location-batch';
import {
  DEFAULT_STORE_KEY_PREFIX,
  checkKeyPrefix,
  entryKeyPrefix,
  entryWrite,
  metadataKeyPrefix,
  metadataWrite,
  readEntryRecord,
  readMetadataRecord,
} from './index-records';
import {
  type CheckedEntry,
  type CheckedEntryFields,
  type LocationEntry,
  buildEntryTuple,
  checkLocationEntry,
  checkTime,
  compareEntryPrecedence,
  toLocationEntry,
} from './location-entry';
import { parseNodeId } from './node-id';
import { RankedBuckets } from './ranked-buckets';
import { parseRegion } from './region';

/** Options of {@link BlockIndex}. */
export interface BlockIndexOptions {
  /** This node's id: the writer of every entry recorded locally. */
  readonly replicaId: GuidV4 | string;
  /** Source of time for entry versions and default timestamps (the index never reads the system clock). */
  readonly clock: Clock;
  /** Makes the index durable: changes are written and flushed here, and the index recovers from it. */
  readonly store?: Store;
  /** Namespace of the index's keys in `store`. Default `'block-index/v1/'`. */
  readonly storeKeyPrefix?: string;
  /** Metadata of blocks without their own. Default {@link DEFAULT_BLOCK_METADATA}. */
  readonly defaultMetadata?: Partial<BlockMetadata>;
  /** State of holders never given one with `setHolderState`. Default `SERVING`. */
  readonly defaultHolderState?: HolderState;
  /**
   * Entries merged from elsewhere may be at most this far ahead of the local clock (ms); further is
   * `BC_INDEX_CLOCK_SKEW`, so one node with a broken clock cannot pin entries forever. Default one
   * hour; `Infinity` turns the check off.
   */
  readonly maxClockSkewMs?: number;
  /** Blocks to allocate room for up front (the index grows by 1.5× as needed). */
  readonly expectedBlocks?: number;
  /** Locations to allocate room for up front. */
  readonly expectedLocations?: number;
}

/** A local observation for {@link BlockIndex.record}. Times are ms since the epoch. */
export type LocationUpdate =
  | {
      /** `holder` stores `blockId` (a new copy, or a refresh of a known one). */
      readonly kind: 'stored';
      readonly blockId: BlockIdInput;
      readonly holder: GuidV4 | string;
      /** Region of the holder. */
      readonly region: string;
      /** When the holder started holding it. Default: kept from a stored entry, else now. */
      readonly since?: number;
      /** When the copy was verified. Default now. */
      readonly verifiedAt?: number;
    }
  | {
      /** A known copy was verified again (e.g. a proof of storage passed). */
      readonly kind: 'verified';
      readonly blockId: BlockIdInput;
      readonly holder: GuidV4 | string;
      /** Default now. */
      readonly verifiedAt?: number;
    }
  | {
      /** `holder` no longer stores `blockId` (deleted, lost, or the holder left for good). */
      readonly kind: 'dropped';
      readonly blockId: BlockIdInput;
      readonly holder: GuidV4 | string;
    };

/** Options of the writing methods. */
export interface WriteOptions {
  /**
   * Flush the store before returning (default true). With `false` the change is written but not yet
   * durable: call {@link BlockIndex.flush} before acknowledging it to anyone.
   */
  readonly flush?: boolean;
}

/** Paging for the list queries. */
export interface QueryOptions {
  /** At most this many results (default: all). */
  readonly limit?: number;
}

/** What {@link BlockIndex.merge} did. */
export interface MergeResult {
  /** Entries given. */
  readonly received: number;
  /** Entries that were newer than what the index had, and replaced it. */
  readonly applied: number;
}

const ONE_HOUR_MS = 3_600_000;
const MAX_INTERNED = 0x7fff_ffff;
const MAX_REGIONS = 0xffff;

function argumentError(message: string, details: Record<string, unknown> = {}): BrightChainError {
  return new BrightChainError(BlockIndexErrorCode.ARGUMENT_INVALID, message, { details });
}

function checkLimit(options: QueryOptions | undefined): number {
  if (options === undefined) return Number.POSITIVE_INFINITY;
  if (typeof options !== 'object' || options === null) throw argumentError('query options must be an object');
  const limit = options.limit;
  if (limit === undefined) return Number.POSITIVE_INFINITY;
  if (
    typeof limit !== 'number' ||
    !(Number.isSafeInteger(limit) || limit === Number.POSITIVE_INFINITY) ||
    limit < 0
  ) {
    throw argumentError('limit must be a non-negative integer', { limit: String(limit) });
  }
  return limit;
}

function checkFlush(options: WriteOptions | undefined): boolean {
  if (options === undefined) return true;
  if (typeof options !== 'object' || options === null) throw argumentError('write options must be an object');
  if (options.flush === undefined) return true;
  if (typeof options.flush !== 'boolean') throw argumentError('flush must be a boolean');
  return options.flush;
}

function checkCapacityHint(value: unknown, name: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > 0x3fff_ffff) {
    throw argumentError(`${name} must be a non-negative integer below 2^30`, { [name]: String(value) });
  }
  return value;
}

/**
 * Where every block lives: block → holders, holder → blocks, copy counts by holder state, regional
 * spread, ranked replication work, prefix search, anti-entropy digests and merge, optional durability.
 *
 * @example
 * ```ts
 * import { ManualClock, MemoryStore, newGuidV4, SeededRandom, checksum } from '@brightchain/core';
 * import { BlockIndex, HolderState } from '@brightchain/block-index';
 *
 * const random = new SeededRandom(1);
 * const [me, a, b] = [newGuidV4(random), newGuidV4(random), newGuidV4(random)];
 * const index = new BlockIndex({ replicaId: me, clock: new ManualClock(1_700_000_000_000), store: new MemoryStore() });
 * const block = checksum(new TextEncoder().encode('hello'));
 * index.recordStored(block, a, 'eu-west');  // durable when it returns
 * index.recordStored(block, b, 'eu-west');
 * index.health(block)?.copies;              // 2
 * index.underReplicated()[0]?.deficit;      // 1 (default target is 3)
 * index.clumped().length;                   // 1 (both copies in one region, 2 wanted)
 * index.setHolderState(b, HolderState.UNAVAILABLE);
 * index.copyCount(block);                   // 1
 * ```
 */
export class BlockIndex {
  /** This replica's node id (writer of local entries). */
  readonly replicaId: GuidV4;
  private readonly clock: Clock;
  private readonly store: Store | undefined;
  private readonly keyPrefix: Uint8Array;
  private readonly defaultMetadata: BlockMetadata;
  private readonly defaultHolderCode: number;
  private readonly maxClockSkewMs: number;
  private readonly hlc = new HybridLogicalClock();

  private readonly ids: BlockIdTable;
  private readonly blocks: BlockColumns;
  private readonly entries: EntryColumns;

  private readonly nodeIds: GuidV4[] = [];
  private readonly nodeBytes: Uint8Array[] = [];
  private readonly nodeNumbers = new Map<string, number>();
  private nodeFirstEntry = new Int32Array(64).fill(-1);
  private nodeState = new Uint8Array(64);

  private readonly regionNames: string[] = [''];
  private readonly regionNumbers = new Map<string, number>([['', 0]]);

  /** Digest leaf (2-byte id prefix) → first block slot of its list (`nextInLeaf` links the rest). */
  private readonly leafFirstBlock = new Map<number, number>();
  /** Digest leaf → number of entries in it. */
  private readonly leafEntryCount = new Map<number, number>();
  private readonly tree: DigestTree;

  private readonly underBuckets = new RankedBuckets();
  private readonly overBuckets = new RankedBuckets();
  private readonly spreadBuckets = new RankedBuckets();

  private storedCount = 0;
  private tombstoneCount = 0;
  private holderCount = 0;
  private readonly regionScratch: number[] = [];

  /**
   * Creates an index; with a `store`, recovers every entry and metadata record flushed to it.
   *
   * @throws BrightChainError `BC_INDEX_NODE_ID_INVALID` (replicaId), `BC_INDEX_METADATA_INVALID`,
   * `BC_INDEX_HOLDER_STATE_INVALID`, `BC_INDEX_ARGUMENT_INVALID` for bad options;
   * `BC_INDEX_STORE_CORRUPT` when a stored record is not a valid index record
   */
  constructor(options: BlockIndexOptions) {
    if (typeof options !== 'object' || options === null) throw argumentError('options must be an object');
    this.replicaId = parseNodeId(options.replicaId, 'replica');
    if (
      typeof options.clock !== 'object' ||
      options.clock === null ||
      typeof options.clock.now !== 'function'
    ) {
      throw argumentError('clock must be a Clock');
    }
    this.clock = options.clock;
    this.defaultMetadata = resolveMetadata(DEFAULT_BLOCK_METADATA, options.defaultMetadata ?? {});
    this.defaultHolderCode = holderStateCode(options.defaultHolderState ?? 'SERVING');
    const skew = options.maxClockSkewMs ?? ONE_HOUR_MS;
    if (typeof skew !== 'number' || Number.isNaN(skew) || skew < 0) {
      throw argumentError('maxClockSkewMs must be a non-negative number or Infinity', {
        maxClockSkewMs: String(skew),
      });
    }
    this.maxClockSkewMs = skew;
    const expectedBlocks = checkCapacityHint(options.expectedBlocks, 'expectedBlocks');
    const expectedLocations = checkCapacityHint(options.expectedLocations, 'expectedLocations');
    this.ids = new BlockIdTable(expectedBlocks);
    this.blocks = new BlockColumns(expectedBlocks);
    this.entries = new EntryColumns(expectedLocations);
    this.tree = new DigestTree((leaf) => this.hashLeaf(leaf));
    this.keyPrefix = checkKeyPrefix(options.storeKeyPrefix ?? DEFAULT_STORE_KEY_PREFIX);
    if (options.store !== undefined) {
      const store = options.store;
      if (typeof store !== 'object' || store === null || typeof store.scan !== 'function') {
        throw argumentError('store must implement the Store port');
      }
      this.store = store;
      this.recover(store);
    } else {
      this.store = undefined;
    }
    this.internNode(this.replicaId);
  }

  // ---------------------------------------------------------------- writes

  /**
   * Records local observations (stored / verified / dropped) as new entries written by this replica,
   * all in one store batch and one flush. Later updates in the same call see earlier ones.
   *
   * @returns the new entries, in order
   * @throws BrightChainError `BC_INDEX_BLOCK_ID_INVALID`, `BC_INDEX_NODE_ID_INVALID`,
   * `BC_INDEX_REGION_INVALID`, `BC_INDEX_TIME_INVALID`, `BC_INDEX_ARGUMENT_INVALID` for a bad update,
   * `BC_INDEX_LOCATION_UNKNOWN` for `verified` of a location not stored; nothing is recorded then.
   * Store errors (`BC_STORE_*`) propagate; the in-memory index is then unchanged.
   * @example
   * ```ts
   * index.record([
   *   { kind: 'stored', blockId, holder: a, region: 'eu-west' },
   *   { kind: 'dropped', blockId, holder: b },
   * ]);
   * ```
   */
  record(updates: readonly LocationUpdate[], options?: WriteOptions): LocationEntry[] {
    if (!Array.isArray(updates)) throw argumentError('updates must be an array');
    const flush = checkFlush(options);
    const now = this.now();
    const clockBefore = this.hlc.snapshot();
    const pending = new LocationBatch<CheckedEntryFields>();
    const prepared: CheckedEntry[] = [];
    try {
      for (const update of updates) prepared.push(this.prepareUpdate(update, pending, now));
      this.persistEntries(prepared, flush);
    } catch (error) {
      this.hlc.restore(clockBefore);
      throw error;
    }
    this.applyEntries(prepared);
    return prepared.map(toLocationEntry);
  }

  /**
   * Records that `holder` stores `blockId` in `region`.
   *
   * @throws BrightChainError as {@link BlockIndex.record}
   * @example
   * ```ts
   * index.recordStored(blockId, holder, 'us-east', { since: 1_700_000_000_000 });
   * ```
   */
  recordStored(
    blockId: BlockIdInput,
    holder: GuidV4 | string,
    region: string,
    times: { readonly since?: number; readonly verifiedAt?: number } = {},
    options?: WriteOptions,
  ): LocationEntry {
    if (typeof times !== 'object' || times === null) throw argumentError('times must be an object');
    const update: LocationUpdate = {
      kind: 'stored',
      blockId,
      holder,
      region,
      ...(times.since === undefined ? {} : { since: times.since }),
      ...(times.verifiedAt === undefined ? {} : { verifiedAt: times.verifiedAt }),
    };
    return this.record([update], options)[0] as LocationEntry;
  }

  /**
   * Records that the copy of `blockId` at `holder` was verified at `verifiedAt` (default now).
   *
   * @throws BrightChainError `BC_INDEX_LOCATION_UNKNOWN` unless the location is stored; others as
   * {@link BlockIndex.record}
   * @example
   * ```ts
   * index.recordVerified(blockId, holder);
   * ```
   */
  recordVerified(
    blockId: BlockIdInput,
    holder: GuidV4 | string,
    verifiedAt?: number,
    options?: WriteOptions,
  ): LocationEntry {
    const update: LocationUpdate = {
      kind: 'verified',
      blockId,
      holder,
      ...(verifiedAt === undefined ? {} : { verifiedAt }),
    };
    return this.record([update], options)[0] as LocationEntry;
  }

  /**
   * Records that `holder` no longer stores `blockId` (a tombstone, so merges cannot bring the old
   * location back; a later "stored" observation of it does).
   *
   * @throws BrightChainError as {@link BlockIndex.record}
   * @example
   * ```ts
   * index.recordDropped(blockId, holder);
   * ```
   */
  recordDropped(blockId: BlockIdInput, holder: GuidV4 | string, options?: WriteOptions): LocationEntry {
    return this.record([{ kind: 'dropped', blockId, holder }], options)[0] as LocationEntry;
  }

  /**
   * Merges entries from another replica: each replaces the local entry of its (block, holder) when it
   * is newer (greater version). Idempotent, commutative and associative. The index's clock moves past
   * every merged version, so later local writes supersede what was seen.
   *
   * @throws BrightChainError `BC_INDEX_ENTRY_INVALID` for a malformed entry, `BC_INDEX_CLOCK_SKEW`
   * for one too far in the future; nothing is merged then. Store errors propagate.
   * @example
   * ```ts
   * replicaB.merge(replicaA.entriesInLeaves([0x12ab]));
   * ```
   */
  merge(entries: readonly LocationEntry[], options?: WriteOptions): MergeResult {
    if (!Array.isArray(entries)) {
      throw new BrightChainError(BlockIndexErrorCode.ENTRY_INVALID, 'entries must be an array');
    }
    const flush = checkFlush(options);
    const checked = entries.map((entry) => checkLocationEntry(entry));
    const winners = this.newerEntries(checked);
    const clockBefore = this.hlc.snapshot();
    try {
      for (const entry of checked) this.hlc.observe(entry.wall, entry.counter);
      this.persistEntries(winners, flush);
    } catch (error) {
      this.hlc.restore(clockBefore);
      throw error;
    }
    this.applyEntries(winners);
    return { received: entries.length, applied: winners.length };
  }

  /**
   * Sets (part of) a block's local metadata; fields not given keep their current value. Creates the
   * block if unknown (a block known only by metadata has 0 copies and shows as under-replicated).
   *
   * @returns the block's metadata after the change
   * @throws BrightChainError `BC_INDEX_BLOCK_ID_INVALID`, `BC_INDEX_METADATA_INVALID`; store errors propagate
   * @example
   * ```ts
   * index.setBlockMetadata(blockId, { targetCopies: 5, maximumCopies: 7, priority: 3, sizeBytes: 1 << 20 });
   * ```
   */
  setBlockMetadata(
    blockId: BlockIdInput,
    metadata: Partial<BlockMetadata>,
    options?: WriteOptions,
  ): BlockMetadata {
    const bytes = blockIdBytes(blockId).slice();
    const flush = checkFlush(options);
    const slot = this.ids.find(bytes);
    const resolved = resolveMetadata(slot < 0 ? this.defaultMetadata : this.metadataAt(slot), metadata);
    this.persist([metadataWrite(this.keyPrefix, bytes, resolved)], flush);
    this.applyMetadata(this.ensureBlock(bytes), resolved);
    return resolved;
  }

  /**
   * Tells the index how a holder's copies count now. Updates the copy counts and buckets of every
   * block the holder stores (O(blocks of that holder)). Local, not persisted: the caller re-applies
   * its membership view after a restart.
   *
   * @throws BrightChainError `BC_INDEX_NODE_ID_INVALID`, `BC_INDEX_HOLDER_STATE_INVALID`
   * @example
   * ```ts
   * index.setHolderState(node, HolderState.LEAVING); // scheduled shutdown announced
   * ```
   */
  setHolderState(holder: GuidV4 | string, state: HolderState): void {
    const id = parseNodeId(holder, 'holder');
    const code = holderStateCode(state);
    let node = this.nodeNumbers.get(id);
    if (node === undefined) {
      if (code === this.defaultHolderCode) return;
      node = this.internNode(id);
    }
    if (this.nodeState[node] === code) return;
    this.nodeState[node] = code;
    const { entries } = this;
    for (let e = this.nodeFirstEntry[node] as number; e >= 0; e = entries.nextOfHolder[e] as number) {
      if (entries.stored[e] === 1) this.refreshBlock(entries.block[e] as number);
    }
  }

  /**
   * Makes every write made with `{ flush: false }` durable. A no-op without a store.
   *
   * @throws BrightChainError store errors (`BC_STORE_CLOSED`, …)
   * @example
   * ```ts
   * for (const batch of batches) index.record(batch, { flush: false });
   * index.flush(); // now acknowledge them
   * ```
   */
  flush(): void {
    this.store?.flush();
  }

  // ---------------------------------------------------------------- block queries

  /**
   * True when the index knows the block (it has an entry or metadata).
   *
   * @throws BrightChainError `BC_INDEX_BLOCK_ID_INVALID`
   * @example
   * ```ts
   * index.has(blockId);
   * ```
   */
  has(blockId: BlockIdInput): boolean {
    return this.ids.find(blockIdBytes(blockId)) >= 0;
  }

  /**
   * Number of copies that can serve reads (stored at `SERVING` or `LEAVING` holders); 0 for an unknown block.
   *
   * @throws BrightChainError `BC_INDEX_BLOCK_ID_INVALID`
   * @example
   * ```ts
   * if (index.copyCount(blockId) < 2) console.log('at risk');
   * ```
   */
  copyCount(blockId: BlockIdInput): number {
    const slot = this.ids.find(blockIdBytes(blockId));
    return slot < 0 ? 0 : (this.blocks.copies[slot] as number);
  }

  /**
   * Copy counts, replication needs and metadata of a block, or `undefined` if unknown.
   *
   * @throws BrightChainError `BC_INDEX_BLOCK_ID_INVALID`
   * @example
   * ```ts
   * const health = index.health(blockId);
   * if (health && health.deficit > 0) schedule(health);
   * ```
   */
  health(blockId: BlockIdInput): BlockHealth | undefined {
    const slot = this.ids.find(blockIdBytes(blockId));
    return slot < 0 ? undefined : this.healthAt(slot);
  }

  /**
   * The block's metadata (the index default for an unknown block).
   *
   * @throws BrightChainError `BC_INDEX_BLOCK_ID_INVALID`
   * @example
   * ```ts
   * index.metadataOf(blockId).targetCopies;
   * ```
   */
  metadataOf(blockId: BlockIdInput): BlockMetadata {
    const slot = this.ids.find(blockIdBytes(blockId));
    return slot < 0 ? this.defaultMetadata : this.metadataAt(slot);
  }

  /**
   * The holders that store the block (tombstones excluded), with region, times, current state and
   * whether the copy counts. Ordered by holder id.
   *
   * @throws BrightChainError `BC_INDEX_BLOCK_ID_INVALID`
   * @example
   * ```ts
   * for (const h of index.holdersOf(blockId)) console.log(h.holder, h.region, h.state);
   * ```
   */
  holdersOf(blockId: BlockIdInput): HolderLocation[] {
    const slot = this.ids.find(blockIdBytes(blockId));
    if (slot < 0) return [];
    const { entries } = this;
    const out: HolderLocation[] = [];
    for (let e = this.blocks.firstEntry[slot] as number; e >= 0; e = entries.nextOfBlock[e] as number) {
      if (entries.stored[e] !== 1) continue;
      const code = this.nodeState[entries.holder[e] as number] as number;
      out.push({
        holder: this.nodeIds[entries.holder[e] as number] as GuidV4,
        region: this.regionNames[entries.region[e] as number] as string,
        since: entries.since[e] as number,
        lastVerified: entries.lastVerified[e] as number,
        state: holderStateName(code),
        countsAsCopy: code !== HOLDER_UNAVAILABLE,
        version: {
          wall: entries.wall[e] as number,
          counter: entries.counter[e] as number,
          writer: this.nodeIds[entries.writer[e] as number] as GuidV4,
        },
      });
    }
    return out.sort((x, y) => (x.holder < y.holder ? -1 : x.holder > y.holder ? 1 : 0));
  }

  /**
   * Every entry of the block, tombstones included, ordered by holder id.
   *
   * @throws BrightChainError `BC_INDEX_BLOCK_ID_INVALID`
   * @example
   * ```ts
   * index.locationsOf(blockId).filter((entry) => !entry.stored); // who dropped it
   * ```
   */
  locationsOf(blockId: BlockIdInput): LocationEntry[] {
    const slot = this.ids.find(blockIdBytes(blockId));
    if (slot < 0) return [];
    return this.sortedEntriesOf(slot).map((e) => toLocationEntry(this.checkedAt(e)));
  }

  /**
   * Blocks the holder stores (tombstones excluded), most recently added entry first.
   * O(entries of that holder).
   *
   * @throws BrightChainError `BC_INDEX_NODE_ID_INVALID`, `BC_INDEX_ARGUMENT_INVALID` (limit)
   * @example
   * ```ts
   * const toDrain = index.blocksHeldBy(leavingNode);
   * ```
   */
  blocksHeldBy(holder: GuidV4 | string, options?: QueryOptions): BlockIdHex[] {
    const id = parseNodeId(holder, 'holder');
    const limit = checkLimit(options);
    const node = this.nodeNumbers.get(id);
    const out: BlockIdHex[] = [];
    if (node === undefined) return out;
    const { entries } = this;
    for (
      let e = this.nodeFirstEntry[node] as number;
      e >= 0 && out.length < limit;
      e = entries.nextOfHolder[e] as number
    ) {
      if (entries.stored[e] === 1) out.push(this.ids.hexAt(entries.block[e] as number));
    }
    return out;
  }

  /**
   * Blocks with fewer copies than their target, most urgent first: blocks below their minimum before
   * the rest, then larger deficit (`targetCopies − copies`) first, then higher priority first; ties in
   * the order they became under-replicated. Reads only the blocks that need work.
   *
   * @throws BrightChainError `BC_INDEX_ARGUMENT_INVALID` (limit)
   * @example
   * ```ts
   * for (const need of index.underReplicated({ limit: 100 })) scheduler.enqueue(need);
   * ```
   */
  underReplicated(options?: QueryOptions): BlockHealth[] {
    return this.collect(this.underBuckets, checkLimit(options));
  }

  /**
   * Blocks with more copies than their maximum, largest surplus first, then lowest priority first.
   *
   * @throws BrightChainError `BC_INDEX_ARGUMENT_INVALID` (limit)
   * @example
   * ```ts
   * for (const extra of index.overReplicated()) trim(extra.blockId, extra.surplus);
   * ```
   */
  overReplicated(options?: QueryOptions): BlockHealth[] {
    return this.collect(this.overBuckets, checkLimit(options));
  }

  /**
   * Blocks with at least two copies in fewer distinct regions than `min(minimumRegions, copies)`,
   * largest spread deficit first, then higher priority first.
   *
   * @throws BrightChainError `BC_INDEX_ARGUMENT_INVALID` (limit)
   * @example
   * ```ts
   * for (const block of index.clumped({ limit: 10 })) moveOneCopyElsewhere(block.blockId);
   * ```
   */
  clumped(options?: QueryOptions): BlockHealth[] {
    return this.collect(this.spreadBuckets, checkLimit(options));
  }

  /**
   * Known blocks whose id starts with the hex `prefix`, in ascending id order. Costs O(results) for
   * prefixes of 4+ hex digits, plus one bucket visit per 2-byte prefix the shorter ones cover.
   *
   * @throws BrightChainError `BC_INDEX_PREFIX_INVALID`, `BC_INDEX_ARGUMENT_INVALID` (limit)
   * @example
   * ```ts
   * index.findByPrefix('ab12'); // every block whose id starts with ab12
   * ```
   */
  findByPrefix(prefix: string, options?: QueryOptions): BlockIdHex[] {
    const normalized = normalizeHexPrefix(prefix);
    const limit = checkLimit(options);
    const out: BlockIdHex[] = [];
    if (limit === 0) return out;
    const head = normalized.slice(0, 4);
    const shift = 4 * (4 - head.length);
    const first = head.length === 0 ? 0 : Number.parseInt(head, 16) << shift;
    const last = first + (1 << shift);
    for (let leaf = first; leaf < last; leaf++) {
      const slots: number[] = [];
      for (let s = this.leafFirstBlock.get(leaf) ?? -1; s >= 0; s = this.blocks.nextInLeaf[s] as number)
        slots.push(s);
      if (slots.length === 0) continue;
      slots.sort((a, b) => this.ids.compareSlots(a, b));
      for (const slot of slots) {
        const hex = this.ids.hexAt(slot);
        if (!hex.startsWith(normalized)) continue;
        out.push(hex);
        if (out.length >= limit) return out;
      }
    }
    return out;
  }

  /**
   * The state of a holder as the index counts it.
   *
   * @throws BrightChainError `BC_INDEX_NODE_ID_INVALID`
   * @example
   * ```ts
   * index.holderState(node); // 'SERVING'
   * ```
   */
  holderState(holder: GuidV4 | string): HolderState {
    const node = this.nodeNumbers.get(parseNodeId(holder, 'holder'));
    return holderStateName(node === undefined ? this.defaultHolderCode : (this.nodeState[node] as number));
  }

  /** Sizes of the index and of each work list. */
  get stats(): BlockIndexStats {
    return {
      blocks: this.ids.count,
      storedLocations: this.storedCount,
      tombstones: this.tombstoneCount,
      holders: this.holderCount,
      underReplicated: this.underBuckets.size,
      overReplicated: this.overBuckets.size,
      clumped: this.spreadBuckets.size,
    };
  }

  // ---------------------------------------------------------------- anti-entropy

  /**
   * The root of the digest tree: equal roots mean equal entry sets. 32 bytes.
   *
   * @example
   * ```ts
   * if (!equalBytes(a.digest(), b.digest())) startSync();
   * ```
   */
  digest(): Uint8Array {
    return this.tree.hash(0, 0);
  }

  /**
   * The hash of one digest-tree node (see `digest-tree.ts` for the shape).
   *
   * @throws BrightChainError `BC_INDEX_TREE_NODE_INVALID`
   * @example
   * ```ts
   * index.digestOf({ depth: 1, position: 0xa }); // covers block ids starting with 'a'
   * ```
   */
  digestOf(node: DigestNode): Uint8Array {
    const { depth, position } = checkDigestNode(node);
    return this.tree.hash(depth, position);
  }

  /**
   * The 16 child hashes of an inner digest-tree node, in position order.
   *
   * @throws BrightChainError `BC_INDEX_TREE_NODE_INVALID` (also for a leaf)
   * @example
   * ```ts
   * const children = index.childDigests({ depth: 0, position: 0 });
   * ```
   */
  childDigests(node: DigestNode): Uint8Array[] {
    const { depth, position } = checkDigestNode(node);
    if (depth >= DIGEST_DEPTH) {
      throw new BrightChainError(BlockIndexErrorCode.TREE_NODE_INVALID, 'a digest leaf has no children', {
        details: { depth, position },
      });
    }
    return Array.from({ length: DIGEST_FANOUT }, (_, c) =>
      this.tree.hash(depth + 1, position * DIGEST_FANOUT + c),
    );
  }

  /**
   * True when the node's hash equals `hash`.
   *
   * @throws BrightChainError `BC_INDEX_TREE_NODE_INVALID`
   * @example
   * ```ts
   * index.digestMatches({ depth: 0, position: 0 }, peerRoot);
   * ```
   */
  digestMatches(node: DigestNode, hash: Uint8Array): boolean {
    const { depth, position } = checkDigestNode(node);
    return hash instanceof Uint8Array && this.tree.matches(depth, position, hash);
  }

  /**
   * Number of entries (tombstones included) in a digest leaf.
   *
   * @throws BrightChainError `BC_INDEX_TREE_NODE_INVALID`
   * @example
   * ```ts
   * index.leafSize(0x12ab);
   * ```
   */
  leafSize(leaf: number): number {
    checkDigestNode({ depth: DIGEST_DEPTH, position: leaf });
    return this.leafEntryCount.get(leaf) ?? 0;
  }

  /**
   * Every entry in the given digest leaves (2-byte block id prefixes, 0–65535), ordered by block id
   * then holder id: what a replica sends for leaves whose digests differ.
   *
   * @throws BrightChainError `BC_INDEX_TREE_NODE_INVALID` for a leaf out of range
   * @example
   * ```ts
   * peer.merge(index.entriesInLeaves([0x00ff, 0x1234]));
   * ```
   */
  entriesInLeaves(leaves: readonly number[]): LocationEntry[] {
    if (!Array.isArray(leaves)) throw argumentError('leaves must be an array');
    for (const leaf of leaves) checkDigestNode({ depth: DIGEST_DEPTH, position: leaf });
    const out: LocationEntry[] = [];
    for (const leaf of leaves) {
      for (const slot of this.sortedSlotsOfLeaf(leaf)) {
        for (const e of this.sortedEntriesOf(slot)) out.push(toLocationEntry(this.checkedAt(e)));
      }
    }
    return out;
  }

  /**
   * Every entry of the index (tombstones included), in block id then holder order.
   *
   * @example
   * ```ts
   * const full = [...index.allEntries()];
   * fresh.merge(full);
   * ```
   */
  *allEntries(): Generator<LocationEntry> {
    const leaves = [...this.leafEntryCount.keys()].sort((a, b) => a - b);
    for (const leaf of leaves) yield* this.entriesInLeaves([leaf]);
  }

  // ---------------------------------------------------------------- internals: updates

  private now(): number {
    const now = this.clock.now();
    if (typeof now !== 'number' || !Number.isFinite(now) || now < 0) {
      throw new BrightChainError(BlockIndexErrorCode.TIME_INVALID, 'the clock returned an invalid time', {
        details: { now: String(now) },
      });
    }
    return Math.floor(now);
  }

  private prepareUpdate(
    update: LocationUpdate,
    pending: LocationBatch<CheckedEntryFields>,
    now: number,
  ): CheckedEntry {
    if (typeof update !== 'object' || update === null) throw argumentError('an update must be an object');
    const kind = (update as { kind?: unknown }).kind;
    if (kind !== 'stored' && kind !== 'verified' && kind !== 'dropped') {
      throw argumentError('update kind must be stored, verified or dropped', {
        kind: String(kind).slice(0, 32),
      });
    }
    const blockBytes = blockIdBytes(update.blockId).slice();
    const holder = parseNodeId(update.holder, 'holder');
    const existing = pending.get(blockBytes, holder) ?? this.existingEntry(blockBytes, holder);
    let fields: Pick<CheckedEntry, 'stored' | 'region' | 'since' | 'lastVerified'>;
    if (update.kind === 'stored') {
      const region = parseRegion(update.region);
      const since =
        update.since === undefined
          ? existing?.stored
            ? existing.since
            : now
          : checkTime(update.since, 'since');
      const lastVerified = update.verifiedAt === undefined ? now : checkTime(update.verifiedAt, 'verifiedAt');
      fields = { stored: true, region, since, lastVerified };
    } else if (update.kind === 'verified') {
      const lastVerified = update.verifiedAt === undefined ? now : checkTime(update.verifiedAt, 'verifiedAt');
      if (existing === undefined || !existing.stored) {
        throw new BrightChainError(
          BlockIndexErrorCode.LOCATION_UNKNOWN,
          'cannot verify a location that is not stored',
          {
            details: { holder },
          },
        );
      }
      fields = { stored: true, region: existing.region, since: existing.since, lastVerified };
    } else {
      fields = { stored: false, region: '', since: 0, lastVerified: 0 };
    }
    const reading = this.hlc.next(now);
    const entry: CheckedEntry = {
      blockBytes,
      holder,
      ...fields,
      wall: reading.wall,
      counter: reading.counter,
      writer: this.replicaId,
    };
    pending.set(blockBytes, holder, entry);
    return entry;
  }

  private existingEntry(blockBytes: Uint8Array, holder: GuidV4): CheckedEntryFields | undefined {
    const slot = this.ids.find(blockBytes);
    const node = this.nodeNumbers.get(holder);
    if (slot < 0 || node === undefined) return undefined;
    const e = this.findEntry(slot, node);
    return e < 0 ? undefined : this.fieldsAt(e);
  }

  /** The entries of `checked` that beat both the index and the other entries of the batch. */
  private newerEntries(checked: readonly CheckedEntry[]): CheckedEntry[] {
    const best = new LocationBatch<CheckedEntry>();
    for (const entry of checked) {
      const other = best.get(entry.blockBytes, entry.holder);
      if (other === undefined || compareEntryPrecedence(entry, other) > 0)
        best.set(entry.blockBytes, entry.holder, entry);
    }
    const winners: CheckedEntry[] = [];
    for (const entry of best.values()) {
      const slot = this.ids.find(entry.blockBytes);
      const node = this.nodeNumbers.get(entry.holder);
      const e = slot < 0 || node === undefined ? -1 : this.findEntry(slot, node);
      if (e < 0 || compareEntryPrecedence(entry, this.fieldsAt(e)) > 0) winners.push(entry);
    }
    const limit = this.now() + this.maxClockSkewMs;
    for (const entry of winners) {
      if (entry.wall > limit) {
        throw new BrightChainError(BlockIndexErrorCode.CLOCK_SKEW, 'entry version is too far in the future', {
          details: {
            wall: entry.wall,
            now: limit - this.maxClockSkewMs,
            maxClockSkewMs: this.maxClockSkewMs,
          },
        });
      }
    }
    return winners;
  }

  private persistEntries(entries: readonly CheckedEntry[], flush: boolean): void {
    if (this.store === undefined) return;
    this.persist(
      entries.map((entry) => entryWrite(this.keyPrefix, entry)),
      flush,
    );
  }

  private persist(operations: WriteOperation[], flush: boolean): void {
    const store = this.store;
    if (store === undefined || operations.length === 0) return;
    const batch = Math.max(1, store.limits.maxBatchOperations);
    for (let start = 0; start < operations.length; start += batch) {
      store.write(operations.slice(start, start + batch));
    }
    if (flush) store.flush();
  }

  private recover(store: Store): void {
    const metadataPrefix = metadataKeyPrefix(this.keyPrefix);
    for (const [key, value] of store.scan({ prefix: metadataPrefix })) {
      const { blockBytes, metadata } = readMetadataRecord(this.keyPrefix.length, key, value);
      this.applyMetadata(this.ensureBlock(blockBytes), metadata);
    }
    const touched = new Set<number>();
    for (const [key, value] of store.scan({ prefix: entryKeyPrefix(this.keyPrefix) })) {
      const entry = readEntryRecord(this.keyPrefix.length, key, value);
      this.hlc.observe(entry.wall, entry.counter);
      touched.add(this.applyEntry(entry));
    }
    for (const slot of touched) this.refreshBlock(slot);
  }

  // ---------------------------------------------------------------- internals: layout

  private internNode(id: GuidV4): number {
    const known = this.nodeNumbers.get(id);
    if (known !== undefined) return known;
    const node = this.nodeIds.length;
    if (node >= MAX_INTERNED) {
      throw new BrightChainError(BlockIndexErrorCode.CAPACITY_EXCEEDED, 'too many distinct nodes');
    }
    if (node >= this.nodeFirstEntry.length) {
      const firstEntry = new Int32Array(node * 2).fill(-1);
      firstEntry.set(this.nodeFirstEntry);
      this.nodeFirstEntry = firstEntry;
      const state = new Uint8Array(node * 2);
      state.set(this.nodeState);
      this.nodeState = state;
    }
    this.nodeIds.push(id);
    this.nodeBytes.push(guidV4ToBytes(id));
    this.nodeNumbers.set(id, node);
    this.nodeState[node] = this.defaultHolderCode;
    return node;
  }

  private internRegion(name: string): number {
    const known = this.regionNumbers.get(name);
    if (known !== undefined) return known;
    const region = this.regionNames.length;
    if (region > MAX_REGIONS) {
      throw new BrightChainError(BlockIndexErrorCode.CAPACITY_EXCEEDED, 'too many distinct regions (65535)');
    }
    this.regionNames.push(name);
    this.regionNumbers.set(name, region);
    return region;
  }

  /** The slot of a block, creating it (with default metadata) if unknown; `refresh` ranks a new block at once. */
  private ensureBlock(bytes: Uint8Array, refresh = true): number {
    const found = this.ids.find(bytes);
    if (found >= 0) return found;
    const slot = this.ids.insert(bytes);
    const blocks = this.blocks;
    blocks.ensure(slot + 1);
    blocks.firstEntry[slot] = -1;
    blocks.copies[slot] = 0;
    this.writeMetadataColumns(slot, this.defaultMetadata);
    const leaf = this.ids.leafOf(slot);
    blocks.nextInLeaf[slot] = this.leafFirstBlock.get(leaf) ?? -1;
    this.leafFirstBlock.set(leaf, slot);
    if (refresh) this.refreshBlock(slot);
    return slot;
  }

  private writeMetadataColumns(slot: number, metadata: BlockMetadata): void {
    const blocks = this.blocks;
    blocks.minimumCopies[slot] = metadata.minimumCopies;
    blocks.targetCopies[slot] = metadata.targetCopies;
    blocks.maximumCopies[slot] = metadata.maximumCopies;
    blocks.minimumRegions[slot] = metadata.minimumRegions;
    blocks.priority[slot] = metadata.priority;
    blocks.sizeBytes[slot] = metadata.sizeBytes;
  }

  private applyMetadata(slot: number, metadata: BlockMetadata): void {
    this.writeMetadataColumns(slot, metadata);
    this.refreshBlock(slot);
  }

  private metadataAt(slot: number): BlockMetadata {
    const blocks = this.blocks;
    return {
      minimumCopies: blocks.minimumCopies[slot] as number,
      targetCopies: blocks.targetCopies[slot] as number,
      maximumCopies: blocks.maximumCopies[slot] as number,
      minimumRegions: blocks.minimumRegions[slot] as number,
      priority: blocks.priority[slot] as number,
      sizeBytes: blocks.sizeBytes[slot] as number,
    };
  }

  private findEntry(slot: number, node: number): number {
    const entries = this.entries;
    for (let e = this.blocks.firstEntry[slot] as number; e >= 0; e = entries.nextOfBlock[e] as number) {
      if (entries.holder[e] === node) return e;
    }
    return -1;
  }

  /** Applies validated winning entries, then re-ranks each touched block once. */
  private applyEntries(entries: readonly CheckedEntry[]): void {
    const touched = new Set<number>();
    for (const entry of entries) touched.add(this.applyEntry(entry));
    for (const slot of touched) this.refreshBlock(slot);
  }

  /**
   * Writes a validated entry into the columns (it must win over any existing one) and returns the
   * block's slot; the caller re-ranks the block.
   */
  private applyEntry(entry: CheckedEntry): number {
    const slot = this.ensureBlock(entry.blockBytes, false);
    const node = this.internNode(entry.holder);
    const writer = this.internNode(entry.writer);
    const region = this.internRegion(entry.region);
    const entries = this.entries;
    let e = this.findEntry(slot, node);
    if (e < 0) {
      if (entries.count >= MAX_INTERNED) {
        throw new BrightChainError(BlockIndexErrorCode.CAPACITY_EXCEEDED, 'too many locations for one index');
      }
      e = entries.count;
      entries.ensure(e + 1);
      entries.count += 1;
      entries.block[e] = slot;
      entries.holder[e] = node;
      entries.nextOfBlock[e] = this.blocks.firstEntry[slot] as number;
      this.blocks.firstEntry[slot] = e;
      if (this.nodeFirstEntry[node] === -1) this.holderCount += 1;
      entries.nextOfHolder[e] = this.nodeFirstEntry[node] as number;
      this.nodeFirstEntry[node] = e;
      const leaf = this.ids.leafOf(slot);
      this.leafEntryCount.set(leaf, (this.leafEntryCount.get(leaf) ?? 0) + 1);
    } else if (entries.stored[e] === 1) {
      this.storedCount -= 1;
    } else {
      this.tombstoneCount -= 1;
    }
    entries.stored[e] = entry.stored ? 1 : 0;
    entries.region[e] = region;
    entries.since[e] = entry.since;
    entries.lastVerified[e] = entry.lastVerified;
    entries.wall[e] = entry.wall;
    entries.counter[e] = entry.counter;
    entries.writer[e] = writer;
    if (entry.stored) this.storedCount += 1;
    else this.tombstoneCount += 1;
    this.tree.markDirty(this.ids.leafOf(slot));
    return slot;
  }

  private fieldsAt(e: number): CheckedEntryFields {
    const entries = this.entries;
    return {
      stored: entries.stored[e] === 1,
      region: this.regionNames[entries.region[e] as number] as string,
      since: entries.since[e] as number,
      lastVerified: entries.lastVerified[e] as number,
      wall: entries.wall[e] as number,
      counter: entries.counter[e] as number,
      writer: this.nodeIds[entries.writer[e] as number] as GuidV4,
    };
  }

  private checkedAt(e: number): CheckedEntry {
    return {
      ...this.fieldsAt(e),
      blockBytes: this.ids.bytesAt(this.entries.block[e] as number),
      holder: this.nodeIds[this.entries.holder[e] as number] as GuidV4,
    };
  }

  private sortedEntriesOf(slot: number): number[] {
    const entries = this.entries;
    const list: number[] = [];
    for (let e = this.blocks.firstEntry[slot] as number; e >= 0; e = entries.nextOfBlock[e] as number)
      list.push(e);
    const ids = this.nodeIds;
    return list.sort((a, b) => {
      const x = ids[entries.holder[a] as number] as string;
      const y = ids[entries.holder[b] as number] as string;
      return x < y ? -1 : x > y ? 1 : 0;
    });
  }

  private sortedSlotsOfLeaf(leaf: number): number[] {
    const slots: number[] = [];
    for (let s = this.leafFirstBlock.get(leaf) ?? -1; s >= 0; s = this.blocks.nextInLeaf[s] as number)
      slots.push(s);
    return slots.sort((a, b) => this.ids.compareSlots(a, b));
  }

  /**
   * The digest of one leaf: `encodeCanonical` of the array of its entry tuples in (block id, holder id)
   * order; `undefined` for a leaf without entries (the tree then uses the empty hash).
   */
  private hashLeaf(leaf: number): Uint8Array | undefined {
    const entries = this.entries;
    const tuples: CanonicalValue[] = [];
    for (const slot of this.sortedSlotsOfLeaf(leaf)) {
      const blockBytes = this.ids.ids.subarray(slot * CHECKSUM_LENGTH, (slot + 1) * CHECKSUM_LENGTH);
      for (const e of this.sortedEntriesOf(slot)) {
        tuples.push(
          buildEntryTuple(
            blockBytes,
            this.nodeBytes[entries.holder[e] as number] as Uint8Array,
            entries.stored[e] === 1,
            this.regionNames[entries.region[e] as number] as string,
            entries.since[e] as number,
            entries.lastVerified[e] as number,
            entries.wall[e] as number,
            entries.counter[e] as number,
            this.nodeBytes[entries.writer[e] as number] as Uint8Array,
          ),
        );
      }
    }
    if (tuples.length === 0) return undefined;
    return domainHash(LEAF_DOMAIN, encodeCanonical(tuples));
  }

  // ---------------------------------------------------------------- internals: counts and buckets

  /** Recounts a block's copies and regions and moves it to the right buckets. O(holders of the block). */
  private refreshBlock(slot: number): void {
    const entries = this.entries;
    const blocks = this.blocks;
    const regions = this.regionScratch;
    regions.length = 0;
    let copies = 0;
    for (let e = blocks.firstEntry[slot] as number; e >= 0; e = entries.nextOfBlock[e] as number) {
      if (entries.stored[e] !== 1 || this.nodeState[entries.holder[e] as number] === HOLDER_UNAVAILABLE)
        continue;
      copies += 1;
      const region = entries.region[e] as number;
      if (!regions.includes(region)) regions.push(region);
    }
    blocks.copies[slot] = Math.min(copies, 0xffff);
    const minimum = blocks.minimumCopies[slot] as number;
    const target = blocks.targetCopies[slot] as number;
    const maximum = blocks.maximumCopies[slot] as number;
    const priority = blocks.priority[slot] as number;

    let health = -1;
    if (copies < target) {
      health = ((copies < minimum ? 1 : 0) << 16) | ((target - copies) << 8) | priority;
    } else if (copies > maximum) {
      health = -2 - ((Math.min(copies - maximum, 0x7fff) << 8) | (255 - priority));
    }
    const previousHealth = blocks.healthRank[slot] as number;
    if (previousHealth !== health) {
      if (previousHealth >= 0) this.underBuckets.remove(previousHealth, slot);
      else if (previousHealth <= -2) this.overBuckets.remove(-2 - previousHealth, slot);
      if (health >= 0) this.underBuckets.add(health, slot);
      else if (health <= -2) this.overBuckets.add(-2 - health, slot);
      blocks.healthRank[slot] = health;
    }

    const wanted = Math.min(blocks.minimumRegions[slot] as number, copies);
    const spread = copies >= 2 && regions.length < wanted ? ((wanted - regions.length) << 8) | priority : -1;
    const previousSpread = blocks.spreadRank[slot] as number;
    if (previousSpread !== spread) {
      if (previousSpread >= 0) this.spreadBuckets.remove(previousSpread, slot);
      if (spread >= 0) this.spreadBuckets.add(spread, slot);
      blocks.spreadRank[slot] = spread;
    }
  }

  private healthAt(slot: number): BlockHealth {
    const entries = this.entries;
    const regions = new Set<number>();
    let durable = 0;
    let leaving = 0;
    let unavailable = 0;
    for (let e = this.blocks.firstEntry[slot] as number; e >= 0; e = entries.nextOfBlock[e] as number) {
      if (entries.stored[e] !== 1) continue;
      const code = this.nodeState[entries.holder[e] as number];
      if (code === HOLDER_UNAVAILABLE) {
        unavailable += 1;
        continue;
      }
      if (code === HOLDER_SERVING) durable += 1;
      else if (code === HOLDER_LEAVING) leaving += 1;
      regions.add(entries.region[e] as number);
    }
    const copies = durable + leaving;
    const metadata = this.metadataAt(slot);
    const wanted = Math.min(metadata.minimumRegions, copies);
    return {
      blockId: this.ids.hexAt(slot),
      copies,
      durableCopies: durable,
      leavingCopies: leaving,
      unavailableHolders: unavailable,
      regions: regions.size,
      deficit: Math.max(0, metadata.targetCopies - copies),
      belowMinimum: copies < metadata.minimumCopies,
      surplus: Math.max(0, copies - metadata.maximumCopies),
      spreadDeficit: copies >= 2 ? Math.max(0, wanted - regions.size) : 0,
      metadata,
    };
  }

  private collect(buckets: RankedBuckets, limit: number): BlockHealth[] {
    const out: BlockHealth[] = [];
    if (limit === 0) return out;
    for (const slot of buckets.descending()) {
      out.push(this.healthAt(slot));
      if (out.length >= limit) break;
    }
    return out;
  }
}
