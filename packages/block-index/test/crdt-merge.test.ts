import fc from 'fast-check';
import { type GuidV4, ManualClock } from '@brightchain/core';
import {
  type BlockIndex,
  BlockIndexErrorCode,
  type LocationEntry,
  compareVersions,
} from '@brightchain/block-index';
import { T0, blockHex, makeIndex, nodeIds, observable, snapshot } from './fixtures';

const NODES = nodeIds(4, 7) as [GuidV4, GuidV4, GuidV4, GuidV4];
const [R1, R2, R3] = NODES;

/** Arbitrary entries over a small universe, so keys collide and versions tie often. */
const entryArbitrary: fc.Arbitrary<LocationEntry> = fc
  .record({
    block: fc.nat(3),
    holder: fc.nat(2),
    stored: fc.boolean(),
    region: fc.constantFrom('eu', 'us'),
    since: fc.nat(3),
    lastVerified: fc.nat(3),
    wall: fc.integer({ min: T0 - 3, max: T0 }),
    counter: fc.nat(2),
    writer: fc.nat(2),
  })
  .map((r) => ({
    blockId: blockHex(r.block),
    holder: NODES[r.holder] as GuidV4,
    stored: r.stored,
    region: r.stored ? r.region : '',
    since: r.stored ? r.since : 0,
    lastVerified: r.stored ? r.lastVerified : 0,
    version: { wall: r.wall, counter: r.counter, writer: NODES[r.writer] as GuidV4 },
  }));

const entries = fc.array(entryArbitrary, { maxLength: 25 });

function fresh(replica: GuidV4 = R1): BlockIndex {
  return makeIndex(replica).index;
}

function mergedState(...batches: LocationEntry[][]): string {
  const index = fresh();
  for (const batch of batches) index.merge(batch);
  return observable(index);
}

describe('merge is a join (state-based CRDT, Shapiro et al. 2011)', () => {
  it('is commutative', () => {
    fc.assert(
      fc.property(entries, entries, (x, y) => {
        expect(mergedState(x, y)).toBe(mergedState(y, x));
      }),
      { numRuns: 150 },
    );
  });

  it('is associative: batching does not matter', () => {
    fc.assert(
      fc.property(entries, entries, entries, (x, y, z) => {
        const left = mergedState([...x, ...y], z);
        const right = mergedState(x, [...y, ...z]);
        expect(left).toBe(right);
        expect(mergedState(...[...x, ...y, ...z].map((e) => [e]))).toBe(left);
      }),
      { numRuns: 150 },
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(entries, entries, (x, y) => {
        expect(mergedState(x, y, x, y)).toBe(mergedState(x, y));
        const index = fresh();
        index.merge(x);
        expect(index.merge(x).applied).toBe(0);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps, per (block, holder), the entry with the greatest version (tombstone first on exact ties)', () => {
    fc.assert(
      fc.property(entries, (x) => {
        const index = fresh();
        index.merge(x);
        const state = [...index.allEntries()];
        expect(new Set(state.map((e) => `${e.blockId}|${e.holder}`)).size).toBe(state.length);
        for (const kept of state) {
          const rivals = x.filter((e) => e.blockId === kept.blockId && e.holder === kept.holder);
          const maxVersion = rivals.reduce(
            (best, e) => (compareVersions(e.version, best) > 0 ? e.version : best),
            kept.version,
          );
          expect(compareVersions(kept.version, maxVersion)).toBe(0);
          const tied = rivals.filter((e) => compareVersions(e.version, kept.version) === 0);
          if (tied.some((e) => !e.stored)) expect(kept.stored).toBe(false);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('digest equality ⇔ state equality', () => {
  it('holds for random states, including equal ones built in different orders', () => {
    fc.assert(
      fc.property(entries, entries, fc.boolean(), (x, y, sameContent) => {
        const a = fresh(R1);
        const b = fresh(R2);
        a.merge(x);
        b.merge(sameContent ? [...x].reverse() : y);
        const digestsEqual = Buffer.from(a.digest()).equals(b.digest());
        expect(digestsEqual).toBe(snapshot(a) === snapshot(b));
        if (sameContent) expect(digestsEqual).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('changes with every single-entry difference and returns when it is undone', () => {
    const a = fresh(R1);
    a.recordStored(blockHex(1), R2, 'eu');
    const before = Buffer.from(a.digest()).toString('hex');
    const copy = fresh(R2);
    copy.merge([...a.allEntries()]);
    expect(Buffer.from(copy.digest()).toString('hex')).toBe(before);
    copy.recordVerified(blockHex(1), R2, 5);
    expect(Buffer.from(copy.digest()).toString('hex')).not.toBe(before);
    a.merge([...copy.allEntries()]);
    expect(Buffer.from(a.digest()).equals(copy.digest())).toBe(true);
  });

  it('covers only replicated state: metadata and holder states do not change it', () => {
    const a = fresh(R1);
    a.recordStored(blockHex(1), R2, 'eu');
    const before = Buffer.from(a.digest()).toString('hex');
    a.setBlockMetadata(blockHex(1), { priority: 9 });
    a.setBlockMetadata(blockHex(2), { priority: 9 });
    a.setHolderState(R2, 'UNAVAILABLE');
    expect(Buffer.from(a.digest()).toString('hex')).toBe(before);
    expect(fresh(R3).digest()).toEqual(fresh(R2).digest());
  });
});

type Step =
  | { kind: 'stored'; replica: number; block: number; holder: number; region: string; advance: number }
  | { kind: 'dropped'; replica: number; block: number; holder: number; advance: number }
  | { kind: 'verified'; replica: number; block: number; holder: number; advance: number }
  | { kind: 'gossip'; from: number; to: number; fraction: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('stored' as const),
    replica: fc.nat(2),
    block: fc.nat(4),
    holder: fc.nat(3),
    region: fc.constantFrom('eu', 'us', 'ap'),
    advance: fc.nat(3),
  }),
  fc.record({
    kind: fc.constant('dropped' as const),
    replica: fc.nat(2),
    block: fc.nat(4),
    holder: fc.nat(3),
    advance: fc.nat(3),
  }),
  fc.record({
    kind: fc.constant('verified' as const),
    replica: fc.nat(2),
    block: fc.nat(4),
    holder: fc.nat(3),
    advance: fc.nat(3),
  }),
  fc.record({
    kind: fc.constant('gossip' as const),
    from: fc.nat(2),
    to: fc.nat(2),
    fraction: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
);

describe('convergence', () => {
  it('any interleaving of updates and partial merges converges once everything is exchanged', () => {
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 50 }),
        fc.array(fc.nat(1000), { minLength: 3, maxLength: 3 }),
        (steps, skews) => {
          const clocks = skews.map((skew) => new ManualClock(T0 + skew));
          const replicas = [R1, R2, R3].map(
            (id, i) => makeIndex(id, { clock: clocks[i] as ManualClock }).index,
          );
          for (const s of steps) {
            if (s.kind === 'gossip') {
              const all = [...(replicas[s.from] as BlockIndex).allEntries()];
              (replicas[s.to] as BlockIndex).merge(all.slice(0, Math.floor(all.length * s.fraction)));
              continue;
            }
            const index = replicas[s.replica] as BlockIndex;
            (clocks[s.replica] as ManualClock).advance(s.advance);
            const block = blockHex(s.block);
            const holder = NODES[s.holder] as GuidV4;
            if (s.kind === 'stored') index.recordStored(block, holder, s.region);
            else if (s.kind === 'dropped') index.recordDropped(block, holder);
            else if (index.holdersOf(block).some((h) => h.holder === holder))
              index.recordVerified(block, holder);
          }
          const everything = replicas.flatMap((index) => [...index.allEntries()]);
          for (const index of replicas) index.merge(everything);
          const states = replicas.map(observable);
          expect(states[1]).toBe(states[0]);
          expect(states[2]).toBe(states[0]);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('a write after seeing a merged entry supersedes it, even if the local clock is behind', () => {
    const fast = makeIndex(R1, { clock: new ManualClock(T0 + 10_000) }).index;
    const slow = makeIndex(R2, { clock: new ManualClock(T0) }).index;
    fast.recordStored(blockHex(1), R3, 'eu');
    slow.merge([...fast.allEntries()]);
    const drop = slow.recordDropped(blockHex(1), R3);
    expect(drop.version.wall).toBe(T0 + 10_000);
    expect(drop.version.counter).toBe(1);
    fast.merge([...slow.allEntries()]);
    expect(fast.copyCount(blockHex(1))).toBe(0);
  });

  it('concurrent drop and store of one location: the later version wins on every replica', () => {
    const a = makeIndex(R1, { clock: new ManualClock(T0) }).index;
    const b = makeIndex(R2, { clock: new ManualClock(T0 + 1) }).index;
    a.recordStored(blockHex(1), R3, 'eu');
    b.merge([...a.allEntries()]);
    a.recordDropped(blockHex(1), R3); // at T0 (counter 1)
    b.recordVerified(blockHex(1), R3); // at T0 + 1: later, wins
    a.merge([...b.allEntries()]);
    b.merge([...a.allEntries()]);
    expect(a.copyCount(blockHex(1))).toBe(1);
    expect(snapshot(a)).toBe(snapshot(b));
  });

  it('rejects entries too far in the future without changing anything', () => {
    const { index } = makeIndex(R1, { maxClockSkewMs: 1000 });
    index.recordStored(blockHex(1), R2, 'eu');
    const before = observable(index);
    const future: LocationEntry = {
      blockId: blockHex(2),
      holder: R2,
      stored: true,
      region: 'eu',
      since: 0,
      lastVerified: 0,
      version: { wall: T0 + 1001, counter: 0, writer: R3 },
    };
    expect(() => index.merge([future])).toThrow(
      expect.objectContaining({ code: BlockIndexErrorCode.CLOCK_SKEW }),
    );
    expect(observable(index)).toBe(before);
    expect(index.recordStored(blockHex(3), R2, 'eu').version.wall).toBe(T0);
    index.merge([{ ...future, version: { ...future.version, wall: T0 + 1000 } }]);
    expect(index.copyCount(blockHex(2))).toBe(1);
  });
});
