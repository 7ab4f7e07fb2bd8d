import { BrightChainError, type GuidV4, ManualClock } from '@brightchain/core';
import {
  BlockIndex,
  BlockIndexErrorCode,
  type LocationEntry,
  type LocationUpdate,
} from '@brightchain/block-index';
import { T0, blockHex, blockId, makeIndex, nodeIds, observable } from './fixtures';

const [ME, A, B] = nodeIds(3, 5) as [GuidV4, GuidV4, GuidV4];
const C = BlockIndexErrorCode;

function populated(): BlockIndex {
  const { index } = makeIndex(ME);
  index.recordStored(blockId(1), A, 'eu');
  index.recordStored(blockId(1), B, 'us');
  index.setBlockMetadata(blockId(2), { priority: 2 });
  return index;
}

/** Runs `act` on a populated index, expects `code`, and checks that nothing observable changed. */
function expectRejected(code: string, act: (index: BlockIndex) => unknown): void {
  const index = populated();
  const before = observable(index);
  let caught: unknown;
  try {
    act(index);
  } catch (error) {
    caught = error;
  }
  expect(BrightChainError.isInstance(caught)).toBe(true);
  expect((caught as BrightChainError).code).toBe(code);
  expect(observable(index)).toBe(before);
  // The clock was not consumed either: the next write gets the version it would have got anyway.
  const reference = populated();
  expect(index.recordStored(blockId(9), A, 'eu').version).toEqual(
    reference.recordStored(blockId(9), A, 'eu').version,
  );
}

const badBlockIds: [string, unknown][] = [
  ['63 bytes', new Uint8Array(63)],
  ['65 bytes', new Uint8Array(65)],
  ['127 hex characters', 'a'.repeat(127)],
  ['129 hex characters', 'a'.repeat(129)],
  ['non-hex text', 'g'.repeat(128)],
  ['a number', 42],
  ['null', null],
  ['an array of bytes', Array.from({ length: 64 }, () => 0)],
];

describe('bad block ids → BC_INDEX_BLOCK_ID_INVALID, state unchanged', () => {
  it.each(badBlockIds)('%s', (_, bad) => {
    const id = bad as string;
    expectRejected(C.BLOCK_ID_INVALID, (index) => index.recordStored(id, A, 'eu'));
    expectRejected(C.BLOCK_ID_INVALID, (index) => index.recordDropped(id, A));
    expectRejected(C.BLOCK_ID_INVALID, (index) => index.setBlockMetadata(id, { priority: 1 }));
    expectRejected(C.BLOCK_ID_INVALID, (index) => index.health(id));
    expectRejected(C.BLOCK_ID_INVALID, (index) => index.copyCount(id));
    expectRejected(C.BLOCK_ID_INVALID, (index) => index.holdersOf(id));
    expectRejected(C.BLOCK_ID_INVALID, (index) => index.has(id));
  });
});

describe('bad node ids → BC_INDEX_NODE_ID_INVALID', () => {
  const bad: unknown[] = [
    'nope',
    '6f1c6b1e-0c2b-1e5a-9d1b-2a3b4c5d6e7f',
    '6f1c6b1e-0c2b-4e5a-0d1b-2a3b4c5d6e7f',
    7,
    null,
    '',
  ];
  it.each(bad)('%j', (node) => {
    const id = node as GuidV4;
    expectRejected(C.NODE_ID_INVALID, (index) => index.recordStored(blockId(1), id, 'eu'));
    expectRejected(C.NODE_ID_INVALID, (index) => index.setHolderState(id, 'SERVING'));
    expectRejected(C.NODE_ID_INVALID, (index) => index.blocksHeldBy(id));
    expectRejected(C.NODE_ID_INVALID, (index) => index.holderState(id));
  });

  it('accepts upper-case GUIDs and normalises them', () => {
    const { index } = makeIndex(ME);
    expect(index.recordStored(blockId(1), A.toUpperCase(), 'eu').holder).toBe(A);
    expect(() => new BlockIndex({ replicaId: 'x', clock: new ManualClock() })).toThrow(
      expect.objectContaining({ code: C.NODE_ID_INVALID }),
    );
  });
});

describe('bad regions → BC_INDEX_REGION_INVALID', () => {
  const bad: unknown[] = ['', ' eu', 'eu west', '-eu', 'a'.repeat(65), 'zürich', 42, null];
  it.each(bad)('%j', (region) => {
    expectRejected(C.REGION_INVALID, (index) => index.recordStored(blockId(1), A, region as string));
  });

  it.each(['eu-west-1', 'us/ny', 'ap:south', 'a', 'A.B_c', 'a'.repeat(64)])('accepts %j', (region) => {
    expect(makeIndex(ME).index.recordStored(blockId(1), A, region).region).toBe(region);
  });
});

describe('bad times → BC_INDEX_TIME_INVALID', () => {
  const bad: unknown[] = [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '5'];
  it.each(bad)('%j', (time) => {
    const t = time as number;
    expectRejected(C.TIME_INVALID, (index) => index.recordStored(blockId(1), A, 'eu', { since: t }));
    expectRejected(C.TIME_INVALID, (index) => index.recordStored(blockId(1), A, 'eu', { verifiedAt: t }));
    expectRejected(C.TIME_INVALID, (index) => index.recordVerified(blockId(1), A, t));
  });

  it('rejects a clock that returns a non-finite time', () => {
    const index = new BlockIndex({ replicaId: ME, clock: { now: () => Number.NaN } });
    expect(() => index.recordStored(blockId(1), A, 'eu')).toThrow(
      expect.objectContaining({ code: C.TIME_INVALID }),
    );
    expect(index.stats.blocks).toBe(0);
  });
});

describe('bad updates and batches', () => {
  it('rejects an unknown kind, a non-object and a non-array', () => {
    expectRejected(C.ARGUMENT_INVALID, (index) =>
      index.record([{ kind: 'moved', blockId: blockId(1), holder: A } as unknown as LocationUpdate]),
    );
    expectRejected(C.ARGUMENT_INVALID, (index) => index.record([null as unknown as LocationUpdate]));
    expectRejected(C.ARGUMENT_INVALID, (index) => index.record('x' as unknown as LocationUpdate[]));
    expectRejected(C.ARGUMENT_INVALID, (index) => index.record([], { flush: 'yes' as unknown as boolean }));
  });

  it('records nothing from a batch with one bad update in the middle', () => {
    expectRejected(C.REGION_INVALID, (index) =>
      index.record([
        { kind: 'stored', blockId: blockId(5), holder: A, region: 'eu' },
        { kind: 'stored', blockId: blockId(6), holder: A, region: '' },
        { kind: 'dropped', blockId: blockId(1), holder: A },
      ]),
    );
    expectRejected(C.LOCATION_UNKNOWN, (index) =>
      index.record([
        { kind: 'dropped', blockId: blockId(1), holder: A },
        { kind: 'verified', blockId: blockId(1), holder: A },
      ]),
    );
  });
});

describe('bad metadata → BC_INDEX_METADATA_INVALID', () => {
  const bad: [string, unknown][] = [
    ['minimum above target', { minimumCopies: 4 }],
    ['target above maximum', { targetCopies: 6 }],
    ['a count over 255', { maximumCopies: 256 }],
    ['a negative count', { minimumCopies: -1 }],
    ['a fractional priority', { priority: 1.5 }],
    ['zero regions', { minimumRegions: 0 }],
    ['a negative size', { sizeBytes: -1 }],
    ['an unsafe size', { sizeBytes: 2 ** 53 }],
    ['a size of 4 GiB', { sizeBytes: 2 ** 32 }],
    ['an unknown field', { colour: 1 }],
    ['not an object', 7],
  ];
  it.each(bad)('%s', (_, metadata) => {
    expectRejected(C.METADATA_INVALID, (index) => index.setBlockMetadata(blockId(1), metadata as never));
    expect(() => makeIndex(ME, { defaultMetadata: metadata as never })).toThrow(
      expect.objectContaining({ code: C.METADATA_INVALID }),
    );
  });
});

describe('other bad arguments', () => {
  it('rejects unknown holder states', () => {
    expectRejected(C.HOLDER_STATE_INVALID, (index) => index.setHolderState(A, 'ONLINE' as never));
    expect(() => makeIndex(ME, { defaultHolderState: 'OFFLINE' as never })).toThrow(
      expect.objectContaining({ code: C.HOLDER_STATE_INVALID }),
    );
  });

  it.each(['xyz', 'a'.repeat(129), 5, null])('rejects prefix %j', (prefix) => {
    expectRejected(C.PREFIX_INVALID, (index) => index.findByPrefix(prefix as string));
  });

  it.each([-1, 1.5, '3', Number.NaN])('rejects limit %j', (limit) => {
    const options = { limit: limit as number };
    expectRejected(C.ARGUMENT_INVALID, (index) => index.underReplicated(options));
    expectRejected(C.ARGUMENT_INVALID, (index) => index.overReplicated(options));
    expectRejected(C.ARGUMENT_INVALID, (index) => index.clumped(options));
    expectRejected(C.ARGUMENT_INVALID, (index) => index.findByPrefix('a', options));
    expectRejected(C.ARGUMENT_INVALID, (index) => index.blocksHeldBy(A, options));
  });

  it('rejects digest nodes out of range', () => {
    expectRejected(C.TREE_NODE_INVALID, (index) => index.digestOf({ depth: 5, position: 0 }));
    expectRejected(C.TREE_NODE_INVALID, (index) => index.digestOf({ depth: 1, position: 16 }));
    expectRejected(C.TREE_NODE_INVALID, (index) => index.digestOf({ depth: 0, position: -1 }));
    expectRejected(C.TREE_NODE_INVALID, (index) => index.childDigests({ depth: 4, position: 0 }));
    expectRejected(C.TREE_NODE_INVALID, (index) => index.entriesInLeaves([65536]));
    expectRejected(C.TREE_NODE_INVALID, (index) => index.leafSize(1.5));
  });

  it('rejects bad constructor options', () => {
    const clock = new ManualClock(T0);
    const bad: [unknown, string][] = [
      [null, C.ARGUMENT_INVALID],
      [{ replicaId: ME }, C.ARGUMENT_INVALID],
      [{ replicaId: ME, clock, maxClockSkewMs: -1 }, C.ARGUMENT_INVALID],
      [{ replicaId: ME, clock, storeKeyPrefix: '' }, C.ARGUMENT_INVALID],
      [{ replicaId: ME, clock, storeKeyPrefix: 'with space' }, C.ARGUMENT_INVALID],
      [{ replicaId: ME, clock, expectedBlocks: -5 }, C.ARGUMENT_INVALID],
      [{ replicaId: ME, clock, store: {} }, C.ARGUMENT_INVALID],
    ];
    for (const [options, code] of bad) {
      expect(() => new BlockIndex(options as never)).toThrow(expect.objectContaining({ code }));
    }
  });
});

describe('bad entries to merge → BC_INDEX_ENTRY_INVALID, nothing merged', () => {
  const good: LocationEntry = {
    blockId: blockHex(7),
    holder: A,
    stored: true,
    region: 'eu',
    since: 1,
    lastVerified: 2,
    version: { wall: T0, counter: 0, writer: B },
  };
  const bad: [string, unknown][] = [
    ['not an object', 3],
    ['no version', { ...good, version: undefined }],
    ['stored not boolean', { ...good, stored: 1 }],
    ['short block id', { ...good, blockId: 'ab' }],
    ['bad holder', { ...good, holder: 'x' }],
    ['bad writer', { ...good, version: { ...good.version, writer: 'x' } }],
    ['bad region', { ...good, region: 'e u' }],
    ['tombstone with since', { ...good, stored: false, region: '', since: 1, lastVerified: 0 }],
    ['negative counter', { ...good, version: { ...good.version, counter: -1 } }],
    ['fractional wall', { ...good, version: { ...good.version, wall: 1.5 } }],
  ];
  it.each(bad)('%s', (_, entry) => {
    expectRejected(C.ENTRY_INVALID, (index) => index.merge([good, entry as LocationEntry]));
  });

  it('rejects a non-array', () => {
    expectRejected(C.ENTRY_INVALID, (index) => index.merge(good as unknown as LocationEntry[]));
  });
});
