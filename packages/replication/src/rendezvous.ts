/**
 * Rendezvous (highest-random-weight) hashing, used to pick the one node responsible for repairing a
 * block: every node computes the same weights from the same (block, node) pairs, so with the same
 * view of a block's live holders every node agrees on its repairer without exchanging a message —
 * IPFS Cluster's "only the closest peer repins" rule (Thaler & Ravishankar, "Using name-based
 * mappings to increase hit rates", IEEE/ACM ToN 1998, for HRW hashing). The repairer is the holder
 * with the **smallest** weight.
 *
 * The weight needs to be fast (it is computed for every holder of every block the scheduler looks
 * at) and the same on every platform, not secret: each node's 64-bit key is a domain-separated
 * SHA3-256 of its id (cached), the block's key is the first 64 bits of its SHA3-512 id, and the two
 * are combined by two rounds of MurmurHash3's 32-bit finaliser (integer-only arithmetic).
 */
import { domainHash, type GuidV4, guidV4ToBytes } from '@brightchain/core';

const NODE_KEY_DOMAIN = 'brightchain/replication/rendezvous-node/v1';
const MAX_CACHED_NODES = 65_536;
const nodeKeys = new Map<string, readonly [number, number]>();

function nodeKey(nodeId: GuidV4): readonly [number, number] {
  let key = nodeKeys.get(nodeId);
  if (key === undefined) {
    const digest = domainHash(NODE_KEY_DOMAIN, guidV4ToBytes(nodeId));
    const view = new DataView(digest.buffer, digest.byteOffset, 8);
    key = [view.getUint32(0), view.getUint32(4)];
    if (nodeKeys.size >= MAX_CACHED_NODES) nodeKeys.clear();
    nodeKeys.set(nodeId, key);
  }
  return key;
}

/** MurmurHash3 fmix32 (Appleby, public domain): a bijective avalanche mix of 32 bits. */
function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The two 32-bit words of a block id's first 8 bytes (hex or bytes). @internal */
export function blockKeyOf(block: string | Uint8Array): readonly [number, number] {
  if (typeof block === 'string') {
    return [Number.parseInt(block.slice(0, 8), 16) >>> 0, Number.parseInt(block.slice(8, 16), 16) >>> 0];
  }
  const view = new DataView(block.buffer, block.byteOffset, 8);
  return [view.getUint32(0), view.getUint32(4)];
}

/** Weight from a precomputed block key. @internal */
export function weightOf(blockKey: readonly [number, number], nodeId: GuidV4): number {
  const [n0, n1] = nodeKey(nodeId);
  const h1 = fmix32((blockKey[0] ^ n0) + 0x9e3779b9);
  const h2 = fmix32((blockKey[1] ^ n1) + Math.imul(h1, 0x27d4eb2f));
  return h1 * 2097152 + (h2 >>> 11); // 32 + 21 bits: an exact integer below 2^53
}

/**
 * The rendezvous weight of `nodeId` for a block: an integer in [0, 2^53), the same on every platform.
 *
 * @param blockId - the block's 64-byte id or its 128 hex characters (only the first 8 bytes are used)
 * @throws nothing for well-formed ids; the caller validates them
 * @example
 * ```ts
 * rendezvousWeight(blockId, nodeA) < rendezvousWeight(blockId, nodeB); // nodeA is "closer"
 * ```
 */
export function rendezvousWeight(blockId: string | Uint8Array, nodeId: GuidV4): number {
  return weightOf(blockKeyOf(blockId), nodeId);
}

/**
 * The node with the smallest rendezvous weight for the block among `nodes` (ties, which need a
 * 53-bit collision, go to the smaller node id), or `undefined` for an empty list.
 *
 * @throws nothing for well-formed ids
 * @example
 * ```ts
 * const repairer = closestNode(blockId, liveHolders);
 * if (repairer === self) scheduleRepair(blockId);
 * ```
 */
export function closestNode(blockId: string | Uint8Array, nodes: Iterable<GuidV4>): GuidV4 | undefined {
  const key = blockKeyOf(blockId);
  let best: GuidV4 | undefined;
  let bestWeight = Number.POSITIVE_INFINITY;
  for (const node of nodes) {
    const weight = weightOf(key, node);
    if (weight < bestWeight || (weight === bestWeight && best !== undefined && node < best)) {
      best = node;
      bestWeight = weight;
    }
  }
  return best;
}
