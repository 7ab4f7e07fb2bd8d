import fc from 'fast-check';
import { type GuidV4, domainHash, encodeCanonical, guidV4ToBytes } from '@brightchain/core';
import {
  DIGEST_DEPTH,
  DIGEST_FANOUT,
  LEAF_DOMAIN,
  type LocationEntry,
  NODE_DOMAIN,
} from '@brightchain/block-index';
import { blockHex, blockWithPrefix, makeIndex, nodeIds } from './fixtures';

const NODES = nodeIds(3, 21) as [GuidV4, GuidV4, GuidV4];

/** The digest tree straight from its definition (docs/block-index.md), recursively, with core domainHash. */
function naiveDigest(entries: readonly LocationEntry[], depth = 0, prefix = ''): Uint8Array {
  const inside = entries.filter((e) => e.blockId.startsWith(prefix));
  if (depth === DIGEST_DEPTH) {
    if (inside.length === 0) return domainHash(LEAF_DOMAIN);
    const sorted = [...inside].sort((a, b) =>
      a.blockId === b.blockId ? (a.holder < b.holder ? -1 : 1) : a.blockId < b.blockId ? -1 : 1,
    );
    const tuples = sorted.map((e) => [
      Uint8Array.from(Buffer.from(e.blockId, 'hex')),
      guidV4ToBytes(e.holder),
      e.stored,
      e.region,
      e.since,
      e.lastVerified,
      e.version.wall,
      e.version.counter,
      guidV4ToBytes(e.version.writer),
    ]);
    return domainHash(LEAF_DOMAIN, encodeCanonical(tuples));
  }
  const children = Array.from({ length: DIGEST_FANOUT }, (_, c) =>
    naiveDigest(inside, depth + 1, prefix + c.toString(16)),
  );
  return domainHash(NODE_DOMAIN, ...children);
}

/** Hash of an empty subtree at `depth`, from the definition (memoised per depth). */
const memo = new Map<number, Uint8Array>();
function emptyHash(depth: number): Uint8Array {
  let hash = memo.get(depth);
  if (hash === undefined) {
    hash =
      depth === DIGEST_DEPTH
        ? domainHash(LEAF_DOMAIN)
        : domainHash(NODE_DOMAIN, ...Array.from({ length: DIGEST_FANOUT }, () => emptyHash(depth + 1)));
    memo.set(depth, hash);
  }
  return hash;
}

/** naiveDigest, but empty subtrees use the memoised empty hash (the full recursion is 69,905 hashes). */
function naiveDigestFast(entries: readonly LocationEntry[], depth = 0, prefix = ''): Uint8Array {
  const inside = entries.filter((e) => e.blockId.startsWith(prefix));
  if (inside.length === 0) return emptyHash(depth);
  if (depth === DIGEST_DEPTH) return naiveDigest(inside, depth, prefix);
  const children = Array.from({ length: DIGEST_FANOUT }, (_, c) =>
    naiveDigestFast(inside, depth + 1, prefix + c.toString(16)),
  );
  return domainHash(NODE_DOMAIN, ...children);
}

describe('digest tree', () => {
  it('matches the definition computed naively, for random states and after incremental changes', () => {
    const op = fc.record({
      block: fc.nat(40),
      prefix: fc.constantFrom('', '0', 'ab', 'abc', 'abcd', 'ffff'),
      holder: fc.nat(2),
      drop: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(op, { minLength: 1, maxLength: 20 }),
        fc.array(op, { maxLength: 5 }),
        (first, second) => {
          const { index } = makeIndex(NODES[0]);
          const apply = (o: (typeof first)[number]) => {
            const block = o.prefix === '' ? blockHex(o.block) : blockWithPrefix(o.prefix, o.block);
            if (o.drop) index.recordDropped(block, NODES[o.holder] as GuidV4);
            else index.recordStored(block, NODES[o.holder] as GuidV4, 'eu');
          };
          first.forEach(apply);
          expect(index.digest()).toEqual(naiveDigestFast([...index.allEntries()]));
          second.forEach(apply);
          expect(index.digest()).toEqual(naiveDigestFast([...index.allEntries()]));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('hashes an empty leaf and an empty tree as defined', () => {
    expect(naiveDigest([], DIGEST_DEPTH, 'abcd')).toEqual(emptyHash(DIGEST_DEPTH));
    expect(naiveDigest([], DIGEST_DEPTH - 1, 'abc')).toEqual(emptyHash(DIGEST_DEPTH - 1));
    expect(makeIndex(NODES[1]).index.digest()).toEqual(emptyHash(0));
  });

  it('exposes every node and its children consistently', () => {
    const { index } = makeIndex(NODES[0]);
    index.recordStored(blockWithPrefix('abcd', 1), NODES[1], 'eu');
    const children = index.childDigests({ depth: 0, position: 0 });
    expect(domainHash(NODE_DOMAIN, ...children)).toEqual(index.digest());
    expect(children[0xa]).toEqual(index.digestOf({ depth: 1, position: 0xa }));
    expect(
      index.digestMatches({ depth: 4, position: 0xabcd }, index.digestOf({ depth: 4, position: 0xabcd })),
    ).toBe(true);
    expect(index.digestMatches({ depth: 4, position: 0xabcd }, new Uint8Array(32))).toBe(false);
    expect(index.leafSize(0xabcd)).toBe(1);
    expect(index.entriesInLeaves([0xabcd, 0x0000]).map((e) => e.blockId)).toEqual([
      blockWithPrefix('abcd', 1),
    ]);
  });
});
