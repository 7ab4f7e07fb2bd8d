import fc from 'fast-check';
import { BrightChainError, type GuidV4 } from '@brightchain/core';
import {
  type BlockHealth,
  type BlockIndex,
  BlockIndexErrorCode,
  type BlockMetadata,
  DEFAULT_BLOCK_METADATA,
  HolderState,
} from '@brightchain/block-index';
import { T0, blockHex, blockId, blockWithPrefix, makeIndex, nodeIds } from './fixtures';

const [ME, A, B, C, D, E] = nodeIds(6) as [GuidV4, GuidV4, GuidV4, GuidV4, GuidV4, GuidV4];

describe('recording locations', () => {
  it('records a stored copy with region, times and a version written by this replica', () => {
    const { index, clock } = makeIndex(ME);
    const entry = index.recordStored(blockId(1), A, 'eu-west');
    expect(entry).toEqual({
      blockId: blockHex(1),
      holder: A,
      stored: true,
      region: 'eu-west',
      since: T0,
      lastVerified: T0,
      version: { wall: T0, counter: 0, writer: ME },
    });
    clock.advance(10);
    expect(index.holdersOf(blockHex(1))).toEqual([
      {
        holder: A,
        region: 'eu-west',
        since: T0,
        lastVerified: T0,
        state: 'SERVING',
        countsAsCopy: true,
        version: { wall: T0, counter: 0, writer: ME },
      },
    ]);
    expect(index.copyCount(blockId(1))).toBe(1);
    expect(index.has(blockId(1))).toBe(true);
    expect(index.has(blockId(2))).toBe(false);
    expect(index.stats).toMatchObject({ blocks: 1, storedLocations: 1, tombstones: 0 });
  });

  it('keeps `since` of a stored copy when it is recorded again, and takes given times', () => {
    const { index, clock } = makeIndex(ME);
    index.recordStored(blockId(1), A, 'eu-west', { since: T0 - 500 });
    clock.advance(1000);
    const again = index.recordStored(blockId(1), A, 'eu-north');
    expect(again).toMatchObject({ since: T0 - 500, lastVerified: T0 + 1000, region: 'eu-north' });
    const explicit = index.recordStored(blockId(1), A, 'eu-north', { since: 7, verifiedAt: 9 });
    expect(explicit).toMatchObject({ since: 7, lastVerified: 9 });
  });

  it('verifies a stored copy without changing its region or since', () => {
    const { index, clock } = makeIndex(ME);
    index.recordStored(blockId(1), A, 'us-east', { since: T0 - 5 });
    clock.advance(60_000);
    const verified = index.recordVerified(blockId(1), A);
    expect(verified).toMatchObject({
      stored: true,
      region: 'us-east',
      since: T0 - 5,
      lastVerified: T0 + 60_000,
    });
    expect(index.recordVerified(blockId(1), A, T0 + 1).lastVerified).toBe(T0 + 1);
  });

  it('drops a copy as a tombstone; a later store starts a new `since`', () => {
    const { index, clock } = makeIndex(ME);
    index.recordStored(blockId(1), A, 'us-east', { since: 1 });
    index.recordStored(blockId(1), B, 'us-west');
    clock.advance(5);
    const dropped = index.recordDropped(blockId(1), A);
    expect(dropped).toMatchObject({ stored: false, region: '', since: 0, lastVerified: 0 });
    expect(index.copyCount(blockId(1))).toBe(1);
    expect(index.holdersOf(blockId(1)).map((h) => h.holder)).toEqual([B]);
    expect(index.locationsOf(blockId(1)).map((e) => [e.holder, e.stored])).toEqual([
      [A, false],
      [B, true],
    ]);
    expect(index.stats).toMatchObject({ storedLocations: 1, tombstones: 1 });
    clock.advance(5);
    expect(index.recordStored(blockId(1), A, 'us-east').since).toBe(T0 + 10);
    expect(index.stats).toMatchObject({ storedLocations: 2, tombstones: 0 });
  });

  it('applies a batch in order: later updates see earlier ones', () => {
    const { index } = makeIndex(ME);
    const out = index.record([
      { kind: 'stored', blockId: blockId(1), holder: A, region: 'r1', since: 3 },
      { kind: 'verified', blockId: blockId(1), holder: A, verifiedAt: 4 },
      { kind: 'dropped', blockId: blockId(2), holder: B },
    ]);
    expect(out.map((e) => [e.stored, e.since, e.lastVerified])).toEqual([
      [true, 3, T0],
      [true, 3, 4],
      [false, 0, 0],
    ]);
    expect(index.holdersOf(blockId(1))[0]?.lastVerified).toBe(4);
  });

  it('issues strictly increasing versions, even within one millisecond or if the clock stalls', () => {
    const { index } = makeIndex(ME);
    const versions = Array.from({ length: 5 }, (_, i) => index.recordStored(blockId(i), A, 'r').version);
    expect(versions.map((v) => [v.wall, v.counter])).toEqual([
      [T0, 0],
      [T0, 1],
      [T0, 2],
      [T0, 3],
      [T0, 4],
    ]);
  });

  it('lists blocks held by a node, excluding dropped ones', () => {
    const { index } = makeIndex(ME);
    for (let i = 0; i < 5; i++) index.recordStored(blockId(i), A, 'r');
    index.recordStored(blockId(9), B, 'r');
    index.recordDropped(blockId(2), A);
    expect(index.blocksHeldBy(A).sort()).toEqual([0, 1, 3, 4].map(blockHex).sort());
    expect(index.blocksHeldBy(A, { limit: 2 })).toHaveLength(2);
    expect(index.blocksHeldBy(C)).toEqual([]);
    expect(index.blocksHeldBy(B)).toEqual([blockHex(9)]);
  });
});

describe('copy counting by holder state', () => {
  const cases: [HolderState, HolderState, HolderState, Partial<BlockHealth>][] = [
    [
      'SERVING',
      'SERVING',
      'SERVING',
      { copies: 3, durableCopies: 3, leavingCopies: 0, unavailableHolders: 0 },
    ],
    [
      'SERVING',
      'LEAVING',
      'SERVING',
      { copies: 3, durableCopies: 2, leavingCopies: 1, unavailableHolders: 0 },
    ],
    [
      'SERVING',
      'LEAVING',
      'UNAVAILABLE',
      { copies: 2, durableCopies: 1, leavingCopies: 1, unavailableHolders: 1 },
    ],
    ['UNAVAILABLE', 'UNAVAILABLE', 'UNAVAILABLE', { copies: 0, durableCopies: 0, unavailableHolders: 3 }],
    ['LEAVING', 'LEAVING', 'LEAVING', { copies: 3, durableCopies: 0, leavingCopies: 3 }],
  ];
  it.each(cases)('%s / %s / %s', (sa, sb, sc, expected) => {
    const { index } = makeIndex(ME);
    index.recordStored(blockId(1), A, 'r1');
    index.recordStored(blockId(1), B, 'r2');
    index.recordStored(blockId(1), C, 'r3');
    index.setHolderState(A, sa);
    index.setHolderState(B, sb);
    index.setHolderState(C, sc);
    expect(index.health(blockId(1))).toMatchObject(expected);
    expect(index.copyCount(blockId(1))).toBe(expected.copies);
    const holders = index.holdersOf(blockId(1));
    expect(holders.map((h) => h.state)).toEqual([sa, sb, sc]);
    expect(holders.map((h) => h.countsAsCopy)).toEqual([sa, sb, sc].map((s) => s !== 'UNAVAILABLE'));
  });

  it('moves every block of a holder between work lists when its state changes', () => {
    const { index } = makeIndex(ME);
    for (let i = 0; i < 20; i++) {
      index.recordStored(blockId(i), A, 'r1');
      index.recordStored(blockId(i), B, 'r2');
      index.recordStored(blockId(i), C, 'r3');
    }
    expect(index.stats.underReplicated).toBe(0);
    index.setHolderState(B, HolderState.UNAVAILABLE);
    expect(index.stats.underReplicated).toBe(20);
    expect(index.underReplicated().every((h) => h.deficit === 1 && !h.belowMinimum)).toBe(true);
    index.setHolderState(C, HolderState.UNAVAILABLE);
    expect(index.underReplicated().every((h) => h.deficit === 2 && h.belowMinimum)).toBe(true);
    index.setHolderState(B, HolderState.LEAVING);
    index.setHolderState(C, HolderState.SERVING);
    expect(index.stats.underReplicated).toBe(0);
    expect(index.health(blockId(0))).toMatchObject({ copies: 3, durableCopies: 2 });
  });

  it('uses defaultHolderState for holders never classified', () => {
    const { index } = makeIndex(ME, { defaultHolderState: 'UNAVAILABLE' });
    index.recordStored(blockId(1), A, 'r1');
    expect(index.copyCount(blockId(1))).toBe(0);
    expect(index.holderState(A)).toBe('UNAVAILABLE');
    index.setHolderState(A, 'SERVING');
    expect(index.copyCount(blockId(1))).toBe(1);
    expect(index.holderState(B)).toBe('UNAVAILABLE');
  });
});

describe('replication work lists', () => {
  function withCopies(
    index: BlockIndex,
    n: number,
    copies: number,
    metadata: Partial<BlockMetadata> = {},
  ): void {
    index.setBlockMetadata(blockId(n), metadata);
    const holders = [A, B, C, D, E];
    for (let i = 0; i < copies; i++) index.recordStored(blockId(n), holders[i] as GuidV4, `r${i}`);
  }

  it('orders under-replicated blocks: below minimum first, then deficit, then priority', () => {
    const { index } = makeIndex(ME);
    withCopies(index, 1, 2, { priority: 0 }); // deficit 1
    withCopies(index, 2, 2, { priority: 3 }); // deficit 1, higher priority
    withCopies(index, 3, 1, { priority: 0 }); // below minimum (2), deficit 2
    withCopies(index, 4, 1, { minimumCopies: 1, targetCopies: 5, priority: 3 }); // deficit 4, not below minimum
    withCopies(index, 5, 0, { priority: 1 }); // lost: 0 copies, deficit 3, below minimum
    withCopies(index, 6, 3); // healthy
    const order = index.underReplicated().map((h) => h.blockId);
    expect(order).toEqual([5, 3, 4, 2, 1].map(blockHex));
    expect(index.underReplicated({ limit: 2 }).map((h) => h.blockId)).toEqual([5, 3].map(blockHex));
    expect(index.underReplicated({ limit: 0 })).toEqual([]);
    expect(index.underReplicated()[0]).toMatchObject({ copies: 0, deficit: 3, belowMinimum: true });
  });

  it('orders over-replicated blocks by surplus, then lowest priority first', () => {
    const { index } = makeIndex(ME);
    withCopies(index, 1, 5, { maximumCopies: 4, priority: 2 }); // surplus 1
    withCopies(index, 2, 5, { maximumCopies: 3, priority: 2 }); // surplus 2
    withCopies(index, 3, 5, { maximumCopies: 4, priority: 0 }); // surplus 1, lower priority
    withCopies(index, 4, 5, { maximumCopies: 5 }); // at maximum
    expect(index.overReplicated().map((h) => [h.blockId, h.surplus])).toEqual([
      [blockHex(2), 2],
      [blockHex(3), 1],
      [blockHex(1), 1],
    ]);
    expect(index.stats.overReplicated).toBe(3);
  });

  it('re-ranks a block when its metadata changes', () => {
    const { index } = makeIndex(ME);
    withCopies(index, 1, 3);
    expect(index.underReplicated()).toEqual([]);
    expect(index.setBlockMetadata(blockId(1), { targetCopies: 4, maximumCopies: 6 })).toEqual({
      ...DEFAULT_BLOCK_METADATA,
      targetCopies: 4,
      maximumCopies: 6,
    });
    expect(index.underReplicated().map((h) => h.deficit)).toEqual([1]);
    index.setBlockMetadata(blockId(1), { minimumCopies: 0, targetCopies: 0, maximumCopies: 2 });
    expect(index.underReplicated()).toEqual([]);
    expect(index.overReplicated().map((h) => h.surplus)).toEqual([1]);
    expect(index.metadataOf(blockId(1))).toMatchObject({ targetCopies: 0, maximumCopies: 2 });
    expect(index.metadataOf(blockId(99))).toEqual(DEFAULT_BLOCK_METADATA);
    expect(index.setBlockMetadata(blockId(1), { sizeBytes: 2 ** 32 - 1 }).sizeBytes).toBe(2 ** 32 - 1);
    expect(index.metadataOf(blockId(1)).sizeBytes).toBe(2 ** 32 - 1);
  });

  it('applies defaultMetadata to blocks without their own', () => {
    const { index } = makeIndex(ME, {
      defaultMetadata: { targetCopies: 1, minimumCopies: 1, minimumRegions: 1 },
    });
    index.recordStored(blockId(1), A, 'r1');
    expect(index.underReplicated()).toEqual([]);
    expect(index.health(blockId(1))?.metadata).toEqual({
      ...DEFAULT_BLOCK_METADATA,
      targetCopies: 1,
      minimumCopies: 1,
      minimumRegions: 1,
    });
  });
});

describe('geographic spread', () => {
  it('flags copies clumped in one region and clears the flag once they spread', () => {
    const { index } = makeIndex(ME);
    index.recordStored(blockId(1), A, 'eu');
    expect(index.clumped()).toEqual([]); // one copy cannot be spread
    index.recordStored(blockId(1), B, 'eu');
    index.recordStored(blockId(1), C, 'eu');
    expect(index.clumped().map((h) => [h.blockId, h.regions, h.spreadDeficit])).toEqual([
      [blockHex(1), 1, 1],
    ]);
    index.recordStored(blockId(1), C, 'us');
    expect(index.clumped()).toEqual([]);
    expect(index.health(blockId(1))).toMatchObject({ regions: 2, spreadDeficit: 0 });
  });

  it('wants min(minimumRegions, copies) regions, counting only copies that serve reads', () => {
    const { index } = makeIndex(ME);
    index.setBlockMetadata(blockId(1), { minimumRegions: 3 });
    index.recordStored(blockId(1), A, 'eu');
    index.recordStored(blockId(1), B, 'us');
    expect(index.clumped()).toEqual([]); // 2 copies in 2 regions: as spread as 2 copies can be
    index.recordStored(blockId(1), C, 'us');
    expect(index.clumped().map((h) => h.spreadDeficit)).toEqual([1]);
    index.recordStored(blockId(1), D, 'ap');
    expect(index.clumped()).toEqual([]);
    index.setHolderState(D, 'UNAVAILABLE');
    expect(index.clumped().map((h) => [h.regions, h.spreadDeficit])).toEqual([[2, 1]]);
  });

  it('ranks clumped blocks by spread deficit then priority', () => {
    const { index } = makeIndex(ME);
    for (const [n, priority, minimumRegions] of [
      [1, 0, 2],
      [2, 2, 2],
      [3, 0, 3],
    ] as const) {
      index.setBlockMetadata(blockId(n), { priority, minimumRegions });
      for (const holder of [A, B, C]) index.recordStored(blockId(n), holder, 'same');
    }
    expect(index.clumped().map((h) => h.blockId)).toEqual([3, 2, 1].map(blockHex));
  });
});

describe('prefix search', () => {
  const prefixes = ['ab', 'ab', 'abc', 'abcd', 'abcd', 'abcde', 'abd0', 'ff', '00', '0'];
  function populated(): BlockIndex {
    const { index } = makeIndex(ME);
    prefixes.forEach((prefix, n) => {
      index.recordStored(blockWithPrefix(prefix, n), A, 'r');
    });
    return index;
  }
  const all = prefixes.map((prefix, n) => blockWithPrefix(prefix, n));
  const naive = (prefix: string) => all.filter((id) => id.startsWith(prefix.toLowerCase())).sort();

  it.each([
    '',
    'a',
    'ab',
    'abc',
    'abcd',
    'abcde',
    'ABCD',
    'abd',
    'f',
    'ff',
    '0',
    '00',
    '1',
    'abcdef',
    all[5] as string,
  ])('prefix %j matches a naive filter, sorted', (prefix) => {
    expect(populated().findByPrefix(prefix)).toEqual(naive(prefix));
  });

  it('stops at the limit', () => {
    expect(populated().findByPrefix('ab', { limit: 3 })).toEqual(naive('ab').slice(0, 3));
    expect(populated().findByPrefix('', { limit: 0 })).toEqual([]);
  });

  it('matches the naive filter for random ids and prefixes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[0-9a-f]{0,6}$/), { minLength: 1, maxLength: 30 }),
        fc.stringMatching(/^[0-9a-f]{0,5}$/),
        (heads, prefix) => {
          const { index } = makeIndex(ME);
          const ids = heads.map((head, n) => blockWithPrefix(head, n));
          for (const id of ids) index.recordStored(id, A, 'r');
          const expected = [...new Set(ids)].filter((id) => id.startsWith(prefix)).sort();
          expect(index.findByPrefix(prefix)).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });
});

/** A naive model of the index: plain maps, recomputed from scratch. */
interface ModelLocation {
  stored: boolean;
  region: string;
}
class NaiveModel {
  readonly locations = new Map<string, Map<GuidV4, ModelLocation>>();
  readonly metadata = new Map<string, BlockMetadata>();
  readonly states = new Map<GuidV4, HolderState>();

  health(block: string): BlockHealth {
    const metadata = this.metadata.get(block) ?? DEFAULT_BLOCK_METADATA;
    let durable = 0;
    let leaving = 0;
    let unavailable = 0;
    const regions = new Set<string>();
    for (const [holder, location] of this.locations.get(block) ?? []) {
      if (!location.stored) continue;
      const state = this.states.get(holder) ?? 'SERVING';
      if (state === 'UNAVAILABLE') {
        unavailable++;
        continue;
      }
      if (state === 'SERVING') durable++;
      else leaving++;
      regions.add(location.region);
    }
    const copies = durable + leaving;
    return {
      blockId: block,
      copies,
      durableCopies: durable,
      leavingCopies: leaving,
      unavailableHolders: unavailable,
      regions: regions.size,
      deficit: Math.max(0, metadata.targetCopies - copies),
      belowMinimum: copies < metadata.minimumCopies,
      surplus: Math.max(0, copies - metadata.maximumCopies),
      spreadDeficit: copies >= 2 ? Math.max(0, Math.min(metadata.minimumRegions, copies) - regions.size) : 0,
      metadata,
    };
  }

  blocks(): string[] {
    return [...new Set([...this.locations.keys(), ...this.metadata.keys()])];
  }
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return 0;
}

function expectRanked(
  list: BlockHealth[],
  expected: BlockHealth[],
  rank: (h: BlockHealth) => number[],
): void {
  expect([...list].sort((x, y) => x.blockId.localeCompare(y.blockId))).toEqual(
    [...expected].sort((x, y) => x.blockId.localeCompare(y.blockId)),
  );
  for (let i = 1; i < list.length; i++) {
    expect(
      compareRanks(rank(list[i - 1] as BlockHealth), rank(list[i] as BlockHealth)),
    ).toBeGreaterThanOrEqual(0);
  }
}

describe('against a naive model (random operations)', () => {
  const holders = [A, B, C, D];
  const regions = ['r1', 'r2', 'r3'];
  const operation = fc.oneof(
    fc.record({ op: fc.constant('stored' as const), block: fc.nat(5), holder: fc.nat(3), region: fc.nat(2) }),
    fc.record({ op: fc.constant('dropped' as const), block: fc.nat(5), holder: fc.nat(3) }),
    fc.record({
      op: fc.constant('state' as const),
      holder: fc.nat(3),
      state: fc.constantFrom<HolderState>('SERVING', 'LEAVING', 'UNAVAILABLE'),
    }),
    fc.record({
      op: fc.constant('metadata' as const),
      block: fc.nat(5),
      minimumCopies: fc.nat(2),
      extraTarget: fc.nat(2),
      extraMaximum: fc.nat(2),
      minimumRegions: fc.integer({ min: 1, max: 3 }),
      priority: fc.nat(3),
    }),
  );

  it('keeps copy counts, health, work lists and holder lists equal to the model', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 60 }), (operations) => {
        const { index } = makeIndex(ME);
        const model = new NaiveModel();
        for (const o of operations) {
          if (o.op === 'stored' || o.op === 'dropped') {
            const block = blockHex(o.block);
            const holder = holders[o.holder] as GuidV4;
            const region = o.op === 'stored' ? (regions[o.region] as string) : '';
            if (o.op === 'stored') index.recordStored(block, holder, region);
            else index.recordDropped(block, holder);
            const map = model.locations.get(block) ?? new Map<GuidV4, ModelLocation>();
            map.set(holder, { stored: o.op === 'stored', region });
            model.locations.set(block, map);
          } else if (o.op === 'state') {
            index.setHolderState(holders[o.holder] as GuidV4, o.state);
            model.states.set(holders[o.holder] as GuidV4, o.state);
          } else {
            const metadata = {
              minimumCopies: o.minimumCopies,
              targetCopies: o.minimumCopies + o.extraTarget,
              maximumCopies: o.minimumCopies + o.extraTarget + o.extraMaximum,
              minimumRegions: o.minimumRegions,
              priority: o.priority,
            };
            index.setBlockMetadata(blockHex(o.block), metadata);
            model.metadata.set(blockHex(o.block), { ...DEFAULT_BLOCK_METADATA, ...metadata });
          }
        }
        const healths = model.blocks().map((block) => model.health(block));
        for (const health of healths) {
          expect(index.health(health.blockId)).toEqual(health);
          expect(index.copyCount(health.blockId)).toBe(health.copies);
        }
        expectRanked(
          index.underReplicated(),
          healths.filter((h) => h.deficit > 0),
          (h) => [h.belowMinimum ? 1 : 0, h.deficit, h.metadata.priority],
        );
        expectRanked(
          index.overReplicated(),
          healths.filter((h) => h.surplus > 0),
          (h) => [h.surplus, -h.metadata.priority],
        );
        expectRanked(
          index.clumped(),
          healths.filter((h) => h.spreadDeficit > 0),
          (h) => [h.spreadDeficit, h.metadata.priority],
        );
        for (const holder of holders) {
          const expected = [...model.locations]
            .filter(([, map]) => map.get(holder)?.stored === true)
            .map(([block]) => block)
            .sort();
          expect(index.blocksHeldBy(holder).sort()).toEqual(expected);
        }
        const stored = [...model.locations.values()].flatMap((map) => [...map.values()]);
        expect(index.stats).toMatchObject({
          blocks: model.blocks().length,
          storedLocations: stored.filter((l) => l.stored).length,
          tombstones: stored.filter((l) => !l.stored).length,
        });
      }),
      { numRuns: 150 },
    );
  });
});

describe('errors carry the BC_INDEX codes', () => {
  it('rejects verifying a location that is not stored', () => {
    const { index } = makeIndex(ME);
    expect(() => index.recordVerified(blockId(1), A)).toThrow(
      expect.objectContaining({ code: BlockIndexErrorCode.LOCATION_UNKNOWN }),
    );
    index.recordStored(blockId(1), A, 'r');
    index.recordDropped(blockId(1), A);
    try {
      index.recordVerified(blockId(1), A);
      throw new Error('expected a throw');
    } catch (error) {
      expect(BrightChainError.isInstance(error, BlockIndexErrorCode.LOCATION_UNKNOWN)).toBe(true);
    }
  });
});
