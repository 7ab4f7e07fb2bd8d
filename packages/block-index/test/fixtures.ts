/** Shared test fixtures: deterministic node ids, block ids and indexes. */
import { type GuidV4, ManualClock, SeededRandom, checksum, newGuidV4, utf8Bytes } from '@brightchain/core';
import { BlockIndex, type BlockIndexOptions, type LocationEntry } from '@brightchain/block-index';

export const T0 = 1_700_000_000_000;

/** `count` distinct node ids from a seed, sorted (so tests can rely on id order). */
export function nodeIds(count: number, seed = 1): GuidV4[] {
  const random = new SeededRandom(seed);
  return Array.from({ length: count }, () => newGuidV4(random)).sort();
}

/** The id of test block `n` (a real SHA3-512 checksum). */
export function blockId(n: number): Uint8Array {
  return checksum(utf8Bytes(`block-${n}`));
}

/** Hex of test block `n`. */
export function blockHex(n: number): string {
  return Buffer.from(blockId(n)).toString('hex');
}

/** A block id whose hex starts with `prefix`, the rest filled from `n`. */
export function blockWithPrefix(prefix: string, n: number): string {
  const tail = Buffer.from(checksum(utf8Bytes(`tail-${n}`))).toString('hex');
  return (prefix + tail).slice(0, 128);
}

/** An index with a manual clock. */
export function makeIndex(
  replicaId: GuidV4,
  options: Partial<BlockIndexOptions> = {},
): { index: BlockIndex; clock: ManualClock } {
  const clock = (options.clock as ManualClock | undefined) ?? new ManualClock(T0);
  const index = new BlockIndex({ replicaId, clock, ...options });
  return { index, clock };
}

/** Every entry of an index as comparable JSON, in order. */
export function snapshot(index: BlockIndex): string {
  return JSON.stringify([...index.allEntries()]);
}

/**
 * Everything observable about an index: entries, digest, stats, work lists (as sets: within one rank
 * the lists keep the order blocks entered it, which legitimately differs between replicas).
 */
export function observable(index: BlockIndex): string {
  const bySet = (list: { blockId: string }[]) => [...list].sort((a, b) => a.blockId.localeCompare(b.blockId));
  return JSON.stringify({
    entries: [...index.allEntries()],
    digest: Buffer.from(index.digest()).toString('hex'),
    stats: index.stats,
    under: bySet(index.underReplicated()),
    over: bySet(index.overReplicated()),
    clumped: bySet(index.clumped()),
  });
}

/** Sorted key of an entry. */
export function entryKey(entry: LocationEntry): string {
  return `${entry.blockId}|${entry.holder}`;
}
