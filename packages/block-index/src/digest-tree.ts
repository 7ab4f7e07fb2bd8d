/**
 * The anti-entropy digest: a Merkle tree (Merkle 1987; used for replica repair in Dynamo, DeCandia et
 * al., SOSP 2007, §4.7) over the index's location entries, with a fixed shape so that any two
 * indexes can compare it node by node. Fan-out 16, depth 4: the node at depth `d` and position `p`
 * covers the blocks whose id starts with the `d` hex digits of `p`; the 65,536 leaves are the
 * 4-hex-digit (2-byte) block id prefixes.
 *
 * - leaf hash = `domainHash('brightchain/block-index/digest-leaf/v1', encodeCanonical([t1, t2, …]))`
 *   over the entry tuples of the leaf sorted by (block id, holder id); an empty leaf hashes no parts;
 * - inner hash = `domainHash('brightchain/block-index/digest-node/v1', c0, …, c15)` over its children.
 *
 * Equal digests mean equal entry sets (up to SHA3-256 collisions). Hashes are recomputed lazily: a
 * change marks its leaf dirty, and the next read rehashes only dirty leaves and their ancestors.
 */
import { BrightChainError, domainHash } from '@brightchain/core';

import { BlockIndexErrorCode } from './error-codes';

/**
 * Children per inner node of the digest tree.
 *
 * @example
 * ```ts
 * index.childDigests({ depth: 0, position: 0 }).length === DIGEST_FANOUT; // true
 * ```
 */
export const DIGEST_FANOUT = 16;
/**
 * Depth of the leaves (the root is depth 0).
 *
 * @example
 * ```ts
 * index.digestOf({ depth: DIGEST_DEPTH, position: 0xabcd }); // the leaf of ids starting 'abcd'
 * ```
 */
export const DIGEST_DEPTH = 4;
/**
 * Number of leaves: 16^4, one per 2-byte block id prefix.
 *
 * @example
 * ```ts
 * const leaf = Number.parseInt(blockIdHex.slice(0, 4), 16); // in [0, DIGEST_LEAVES)
 * ```
 */
export const DIGEST_LEAVES = DIGEST_FANOUT ** DIGEST_DEPTH;
/** Bytes of every digest. */
export const DIGEST_BYTES = 32;

/**
 * Domain tag of leaf hashes.
 *
 * @example
 * ```ts
 * domainHash(LEAF_DOMAIN); // the hash of an empty leaf
 * ```
 */
export const LEAF_DOMAIN = 'brightchain/block-index/digest-leaf/v1';
/**
 * Domain tag of inner-node hashes.
 *
 * @example
 * ```ts
 * domainHash(NODE_DOMAIN, ...index.childDigests({ depth: 0, position: 0 })); // equals index.digest()
 * ```
 */
export const NODE_DOMAIN = 'brightchain/block-index/digest-node/v1';

/** The address of a digest-tree node: depth 0 (root) … 4 (leaf), position in `[0, 16^depth)`. */
export interface DigestNode {
  readonly depth: number;
  readonly position: number;
}

/**
 * Checks a digest-tree address.
 *
 * @throws BrightChainError with `code` (default `BC_INDEX_TREE_NODE_INVALID`) when out of range
 * @internal
 */
export function checkDigestNode(
  node: unknown,
  code: string = BlockIndexErrorCode.TREE_NODE_INVALID,
): DigestNode {
  const candidate = node as Partial<DigestNode> | null;
  const depth = candidate?.depth;
  const position = candidate?.position;
  if (
    typeof depth !== 'number' ||
    typeof position !== 'number' ||
    !Number.isInteger(depth) ||
    depth < 0 ||
    depth > DIGEST_DEPTH ||
    !Number.isInteger(position) ||
    position < 0 ||
    position >= DIGEST_FANOUT ** depth
  ) {
    throw new BrightChainError(code, 'digest node must have depth 0–4 and position in [0, 16^depth)', {
      details: { depth: String(depth), position: String(position) },
    });
  }
  return { depth, position };
}

/**
 * The hashes of one tree level, kept sparsely: a node covering no entries is absent (it has the
 * empty hash of its depth). Present hashes live back to back in one pooled byte array, so a full
 * level of 65,536 leaves costs 2 MiB plus a map of positions, not 65,536 small objects.
 * @internal
 */
class HashLevel {
  private readonly slots = new Map<number, number>();
  private readonly free: number[] = [];
  private pool = new Uint8Array(0);
  private used = 0;

  /** The stored hash (a view into the pool), or undefined. */
  get(position: number): Uint8Array | undefined {
    const slot = this.slots.get(position);
    return slot === undefined
      ? undefined
      : this.pool.subarray(slot * DIGEST_BYTES, (slot + 1) * DIGEST_BYTES);
  }

  has(position: number): boolean {
    return this.slots.has(position);
  }

  set(position: number, hash: Uint8Array): void {
    let slot = this.slots.get(position);
    if (slot === undefined) {
      slot = this.free.pop() ?? this.used++;
      if (slot * DIGEST_BYTES >= this.pool.length) {
        const grown = new Uint8Array(Math.max(64, this.pool.length / DIGEST_BYTES) * 2 * DIGEST_BYTES);
        grown.set(this.pool);
        this.pool = grown;
      }
      this.slots.set(position, slot);
    }
    this.pool.set(hash, slot * DIGEST_BYTES);
  }

  delete(position: number): void {
    const slot = this.slots.get(position);
    if (slot === undefined) return;
    this.slots.delete(position);
    this.free.push(slot);
  }
}

/** @internal */
export class DigestTree {
  /** One sparse level per depth, 0 (root) … 4 (leaves). */
  private readonly levels: HashLevel[] = [];
  /** Hash of an empty subtree at each depth. */
  private readonly emptyByDepth: Uint8Array[];
  private dirtyLeaves = new Set<number>();

  /** @param hashLeaf - computes the hash of one leaf from the index's current entries, or `undefined` if it has none */
  constructor(private readonly hashLeaf: (leaf: number) => Uint8Array | undefined) {
    this.emptyByDepth = emptySubtreeHashes();
    for (let depth = 0; depth <= DIGEST_DEPTH; depth++) this.levels.push(new HashLevel());
  }

  /** Notes that the entries of `leaf` changed. */
  markDirty(leaf: number): void {
    this.dirtyLeaves.add(leaf);
  }

  /** The current hash of a node (a copy). */
  hash(depth: number, position: number): Uint8Array {
    this.refresh();
    return this.view(depth, position).slice();
  }

  /** True when the node's current hash equals `hash`. */
  matches(depth: number, position: number, hash: Uint8Array): boolean {
    this.refresh();
    if (hash.length !== DIGEST_BYTES) return false;
    const mine = this.view(depth, position);
    for (let i = 0; i < DIGEST_BYTES; i++) if (mine[i] !== hash[i]) return false;
    return true;
  }

  /** The stored hash of a node, or the empty-subtree hash of its depth (not a copy). */
  private view(depth: number, position: number): Uint8Array {
    return (this.levels[depth] as HashLevel).get(position) ?? (this.emptyByDepth[depth] as Uint8Array);
  }

  private store(depth: number, position: number, hash: Uint8Array | undefined): void {
    const level = this.levels[depth] as HashLevel;
    if (hash === undefined) level.delete(position);
    else level.set(position, hash);
  }

  /** Rehashes the dirty leaves and their ancestors. */
  private refresh(): void {
    if (this.dirtyLeaves.size === 0) return;
    let dirty = [...this.dirtyLeaves];
    this.dirtyLeaves = new Set();
    for (const leaf of dirty) this.store(DIGEST_DEPTH, leaf, this.hashLeaf(leaf));
    for (let depth = DIGEST_DEPTH - 1; depth >= 0; depth--) {
      const parents = [...new Set(dirty.map((position) => Math.floor(position / DIGEST_FANOUT)))];
      const below = this.levels[depth + 1] as HashLevel;
      for (const parent of parents) {
        const first = parent * DIGEST_FANOUT;
        let anyPresent = false;
        for (let c = 0; c < DIGEST_FANOUT && !anyPresent; c++) anyPresent = below.has(first + c);
        if (!anyPresent) {
          this.store(depth, parent, undefined);
          continue;
        }
        const children = Array.from({ length: DIGEST_FANOUT }, (_, c) => this.view(depth + 1, first + c));
        this.store(depth, parent, domainHash(NODE_DOMAIN, ...children));
      }
      dirty = parents;
    }
  }
}

let emptyHashes: Uint8Array[] | undefined;

/** Hash of an empty subtree at each depth (computed once). */
function emptySubtreeHashes(): Uint8Array[] {
  if (emptyHashes !== undefined) return emptyHashes;
  const hashes: Uint8Array[] = [];
  let empty = domainHash(LEAF_DOMAIN);
  hashes[DIGEST_DEPTH] = empty;
  for (let depth = DIGEST_DEPTH - 1; depth >= 0; depth--) {
    empty = domainHash(NODE_DOMAIN, ...Array.from({ length: DIGEST_FANOUT }, () => empty));
    hashes[depth] = empty;
  }
  emptyHashes = hashes;
  return hashes;
}
