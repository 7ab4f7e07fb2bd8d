import fc from 'fast-check';
import { BrightChainError, type GuidV4, encodeCanonical } from '@brightchain/core';
import {
  type BlockIndex,
  BlockIndexErrorCode,
  IndexSyncSession,
  type IndexSyncSessionOptions,
  type LocationEntry,
  type SyncMessage,
  compareVersions,
  decodeSyncMessage,
  encodeSyncMessage,
} from '@brightchain/block-index';
import {
  T0,
  blockHex,
  blockWithPrefix,
  entryKey,
  makeIndex,
  nodeIds,
  observable,
  snapshot,
} from './fixtures';

const [R1, R2, H1, H2, H3] = nodeIds(5, 11) as [GuidV4, GuidV4, GuidV4, GuidV4, GuidV4];
const HOLDERS = [H1, H2, H3];

interface Exchange {
  readonly messages: { from: 'a' | 'b'; message: SyncMessage; bytes: number }[];
  readonly a: IndexSyncSession;
  readonly b: IndexSyncSession;
}

/** Runs a whole session between two indexes, every message through the wire codec. */
function synchronize(a: BlockIndex, b: BlockIndex, options: IndexSyncSessionOptions = {}): Exchange {
  const sa = new IndexSyncSession(a, options);
  const sb = new IndexSyncSession(b, options);
  const messages: Exchange['messages'] = [];
  const wire = (from: 'a' | 'b', message: SyncMessage): SyncMessage => {
    const bytes = encodeSyncMessage(message);
    messages.push({ from, message, bytes: bytes.length });
    return decodeSyncMessage(bytes);
  };
  let toB: SyncMessage | undefined = wire('a', sa.start());
  for (let round = 0; toB !== undefined; round++) {
    if (round > 1000) throw new Error('session does not terminate');
    const toA = sb.receive(toB);
    toB = undefined;
    if (toA !== undefined) {
      const reply = sa.receive(wire('b', toA));
      if (reply !== undefined) toB = wire('a', reply);
    }
  }
  return { messages, a: sa, b: sb };
}

function sentEntries(exchange: Exchange): LocationEntry[] {
  return exchange.messages.flatMap(({ message }) => [
    ...message.entries,
    ...message.leaves.flatMap((l) => l.entries),
  ]);
}

function leafOf(blockId: string): number {
  return Number.parseInt(blockId.slice(0, 4), 16);
}

/** Two replicas with the same `shared` blocks, each stored at 3 holders. */
function twins(shared: number): [BlockIndex, BlockIndex] {
  const a = makeIndex(R1).index;
  a.record(
    Array.from({ length: shared }, (_, n) =>
      HOLDERS.map((holder, i) => ({
        kind: 'stored' as const,
        blockId: blockHex(n),
        holder,
        region: `r${i}`,
      })),
    ).flat(),
  );
  const b = makeIndex(R2).index;
  b.merge([...a.allEntries()]);
  return [a, b];
}

describe('IndexSyncSession', () => {
  it('exchanges only a root digest and an empty reply when already in sync', () => {
    const [a, b] = twins(300);
    const exchange = synchronize(a, b);
    expect(
      exchange.messages.map((m) => [
        m.from,
        m.message.hashes.length,
        sentEntries({ ...exchange, messages: [m] }).length,
      ]),
    ).toEqual([
      ['a', 1, 0],
      ['b', 0, 0],
    ]);
    expect(exchange.a.done && exchange.b.done).toBe(true);
    expect(exchange.a.stats).toMatchObject({ messagesSent: 1, hashesSent: 1, entriesSent: 0 });
  });

  it('sends only the differing leaves: the detecting side’s leaf content and the exact complement back', () => {
    const [a, b] = twins(600);
    a.recordDropped(blockHex(5), H1);
    a.recordStored(blockHex(601), H1, 'r0');
    b.recordVerified(blockHex(7), H2, T0 + 1);
    b.recordStored(blockHex(602), H2, 'r1');
    const leavesBefore = new Map<number, [LocationEntry[], LocationEntry[]]>();
    for (const n of [5, 601, 7, 602]) {
      const leaf = leafOf(blockHex(n));
      leavesBefore.set(leaf, [a.entriesInLeaves([leaf]), b.entriesInLeaves([leaf])]);
    }
    const exchange = synchronize(a, b);
    expect(snapshot(a)).toBe(snapshot(b));
    expect(observable(a)).toBe(observable(b));

    // b detects each differing leaf (it compares a's leaf hashes), sends its whole leaf, and a answers
    // with the entries b lacks or has older.
    let expected = 0;
    for (const [mine, theirs] of leavesBefore.values()) {
      const byKey = new Map(theirs.map((e) => [entryKey(e), e]));
      for (const e of mine) {
        const other = byKey.get(entryKey(e));
        if (!other || compareVersions(e.version, other.version) > 0) expected++;
      }
      expected += theirs.length;
    }
    const sent = sentEntries(exchange);
    expect(sent).toHaveLength(expected);
    expect(sent.length).toBeLessThan(40);
    expect(new Set(sent.map((e) => leafOf(e.blockId)))).toEqual(new Set(leavesBefore.keys()));
    expect(exchange.a.stats.entriesSent + exchange.b.stats.entriesSent).toBe(expected);
    expect(exchange.a.stats.entriesReceived).toBe(exchange.b.stats.entriesSent);
  });

  it('converges random divergent replicas, sending only entries of leaves that differed', () => {
    const update = fc.record({
      side: fc.constantFrom('a', 'b'),
      block: fc.nat(120),
      holder: fc.nat(2),
      kind: fc.constantFrom('stored', 'dropped'),
    });
    fc.assert(
      fc.property(
        fc.array(update, { maxLength: 25 }),
        fc.integer({ min: 16, max: 64 }),
        (updates, budget) => {
          const [a, b] = twins(60);
          for (const u of updates) {
            const index = u.side === 'a' ? a : b;
            if (u.kind === 'stored') index.recordStored(blockHex(u.block), HOLDERS[u.holder] as GuidV4, 'r9');
            else index.recordDropped(blockHex(u.block), HOLDERS[u.holder] as GuidV4);
          }
          const differing = new Set<number>();
          for (const u of updates) differing.add(leafOf(blockHex(u.block)));
          const bound = [...differing].reduce((sum, leaf) => sum + a.leafSize(leaf) + b.leafSize(leaf), 0);
          const exchange = synchronize(a, b, { maxEntriesPerMessage: budget });
          expect(snapshot(a)).toBe(snapshot(b));
          expect(Buffer.from(a.digest()).equals(b.digest())).toBe(true);
          const sent = sentEntries(exchange);
          expect(sent.length).toBeLessThanOrEqual(bound);
          for (const entry of sent) expect(differing.has(leafOf(entry.blockId))).toBe(true);
          expect(exchange.a.done && exchange.b.done).toBe(true);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('pushes leaves larger than the message budget in pieces and still converges', () => {
    const a = makeIndex(R1).index;
    const b = makeIndex(R2).index;
    for (let n = 0; n < 40; n++) a.recordStored(blockWithPrefix('abcd', n), H1, 'r0');
    for (let n = 30; n < 60; n++) b.recordStored(blockWithPrefix('abcd', n), H2, 'r1');
    const exchange = synchronize(a, b, { maxEntriesPerMessage: 16 });
    expect(snapshot(a)).toBe(snapshot(b));
    expect(a.stats.storedLocations).toBe(70);
    expect(exchange.messages.some((m) => m.message.pull.length > 0)).toBe(true);
    for (const { message } of exchange.messages) expect(message.entries.length).toBeLessThanOrEqual(16);
  });

  it('syncs an empty replica from a full one within the per-message budget', () => {
    const [a] = twins(200);
    const b = makeIndex(R2).index;
    const exchange = synchronize(b, a, { maxEntriesPerMessage: 64 });
    expect(snapshot(a)).toBe(snapshot(b));
    for (const { message } of exchange.messages) {
      const count = message.entries.length + message.leaves.reduce((sum, l) => sum + l.entries.length, 0);
      expect(count).toBeLessThanOrEqual(64);
    }
    expect(sentEntries(exchange)).toHaveLength(600);
  });

  it('refuses to start twice and validates its budgets', () => {
    const session = new IndexSyncSession(makeIndex(R1).index);
    session.start();
    expect(() => session.start()).toThrow(
      expect.objectContaining({ code: BlockIndexErrorCode.SYNC_SESSION_STATE }),
    );
    expect(() => new IndexSyncSession(makeIndex(R1).index, { maxEntriesPerMessage: 3 })).toThrow(
      expect.objectContaining({ code: BlockIndexErrorCode.ARGUMENT_INVALID }),
    );
  });

  it('rejects a message with entries from too far in the future and leaves the index unchanged', () => {
    const { index } = makeIndex(R1, { maxClockSkewMs: 10 });
    const before = observable(index);
    const session = new IndexSyncSession(index);
    const future: LocationEntry = {
      blockId: blockHex(1),
      holder: H1,
      stored: true,
      region: 'r0',
      since: 1,
      lastVerified: 1,
      version: { wall: T0 + 11, counter: 0, writer: R2 },
    };
    expect(() =>
      session.receive({ hashes: [], leaves: [], pull: [], entries: [future], more: false }),
    ).toThrow(expect.objectContaining({ code: BlockIndexErrorCode.CLOCK_SKEW }));
    expect(observable(index)).toBe(before);
  });
});

describe('sync message codec', () => {
  const entry: LocationEntry = {
    blockId: blockHex(1),
    holder: H1,
    stored: true,
    region: 'eu-west',
    since: 5,
    lastVerified: 6,
    version: { wall: T0, counter: 2, writer: R1 },
  };
  const tombstone: LocationEntry = {
    ...entry,
    holder: H2,
    stored: false,
    region: '',
    since: 0,
    lastVerified: 0,
  };
  const leaf = leafOf(entry.blockId);
  const valid: SyncMessage = {
    hashes: [{ depth: 2, position: 255, hash: new Uint8Array(32).fill(7) }],
    leaves: [{ leaf, entries: [entry, tombstone] }],
    pull: [3],
    entries: [entry],
    more: true,
  };

  it('round-trips', () => {
    expect(decodeSyncMessage(encodeSyncMessage(valid))).toEqual(valid);
    const empty: SyncMessage = { hashes: [], leaves: [], pull: [], entries: [], more: false };
    expect(decodeSyncMessage(encodeSyncMessage(empty))).toEqual(empty);
  });

  it('round-trips random messages', () => {
    const hash = fc
      .record({
        depth: fc.integer({ min: 0, max: 4 }),
        position: fc.nat(65535),
        hash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
      })
      .map((h) => ({ ...h, position: h.position % 16 ** h.depth }));
    fc.assert(
      fc.property(
        fc.uniqueArray(hash, { selector: (h) => `${h.depth}:${h.position}`, maxLength: 5 }),
        fc.boolean(),
        (hashes, more) => {
          const message: SyncMessage = { hashes, leaves: [], pull: [], entries: [entry, tombstone], more };
          expect(decodeSyncMessage(encodeSyncMessage(message))).toEqual(message);
        },
      ),
      { numRuns: 50 },
    );
  });

  const wire = (tuple: unknown[]) => encodeCanonical(tuple);
  const okTuple = () => [1, [], [], [], [], false];
  const badBytes: [string, Uint8Array][] = [
    ['garbage', Uint8Array.of(0xc1)],
    ['trailing bytes', new Uint8Array([...encodeSyncMessage(valid), 0])],
    ['not a tuple', wire(okTuple()).subarray(1)],
    ['wrong field count', wire([1, [], [], [], []])],
    ['a map instead of a tuple', encodeCanonical({ v: 1 })],
    ['a string version', wire(['1', [], [], [], [], false])],
    ['hash of 31 bytes', wire([1, [[0, 0, new Uint8Array(31)]], [], [], [], false])],
    ['depth 5', wire([1, [[5, 0, new Uint8Array(32)]], [], [], [], false])],
    ['position out of range', wire([1, [[1, 16, new Uint8Array(32)]], [], [], [], false])],
    [
      'the same node twice',
      wire([
        1,
        [
          [1, 1, new Uint8Array(32)],
          [1, 1, new Uint8Array(32)],
        ],
        [],
        [],
        [],
        false,
      ]),
    ],
    ['a pull leaf beyond 65535', wire([1, [], [], [65536], [], false])],
    ['a pull leaf twice', wire([1, [], [], [4, 4], [], false])],
    ['more not a boolean', wire([1, [], [], [], [], 0])],
    ['an entry tuple too short', wire([1, [], [], [], [[new Uint8Array(64)]], false])],
  ];
  it.each(badBytes)('rejects %s with BC_INDEX_SYNC_MESSAGE_INVALID', (_, bytes) => {
    try {
      decodeSyncMessage(bytes);
      throw new Error('expected a rejection');
    } catch (error) {
      expect(BrightChainError.isInstance(error, BlockIndexErrorCode.SYNC_MESSAGE_INVALID)).toBe(true);
    }
  });

  it('rejects another protocol version with BC_INDEX_SYNC_VERSION_UNSUPPORTED', () => {
    expect(() => decodeSyncMessage(wire([2, [], [], [], [], false]))).toThrow(
      expect.objectContaining({ code: BlockIndexErrorCode.SYNC_VERSION_UNSUPPORTED }),
    );
  });

  it('enforces decode limits', () => {
    expect(() => decodeSyncMessage(encodeSyncMessage(valid), { maxBytes: 64 })).toThrow(
      expect.objectContaining({ code: BlockIndexErrorCode.SYNC_MESSAGE_INVALID }),
    );
  });

  const badMessages: [string, unknown][] = [
    [
      'a leaf carrying an entry of another leaf',
      { ...valid, leaves: [{ leaf: (leaf + 1) % 65536, entries: [entry] }] },
    ],
    ['a leaf carrying one location twice', { ...valid, leaves: [{ leaf, entries: [entry, entry] }] }],
    [
      'the same leaf twice',
      {
        ...valid,
        leaves: [
          { leaf, entries: [] },
          { leaf, entries: [] },
        ],
      },
    ],
    ['a tombstone with a region', { ...valid, entries: [{ ...tombstone, region: 'eu' }] }],
    ['a stored entry without a region', { ...valid, entries: [{ ...entry, region: '' }] }],
    ['a bad holder', { ...valid, entries: [{ ...entry, holder: 'nope' }] }],
    ['a short block id', { ...valid, entries: [{ ...entry, blockId: 'abcd' }] }],
    ['a negative wall', { ...valid, entries: [{ ...entry, version: { ...entry.version, wall: -1 } }] }],
    [
      'a fractional counter',
      { ...valid, entries: [{ ...entry, version: { ...entry.version, counter: 0.5 } }] },
    ],
    [
      'a counter over 32 bits',
      { ...valid, entries: [{ ...entry, version: { ...entry.version, counter: 2 ** 32 } }] },
    ],
    ['missing arrays', { hashes: [], more: false }],
    ['null', null],
  ];
  it.each(badMessages)('encode and receive reject %s, leaving the index unchanged', (_, message) => {
    expect(() => encodeSyncMessage(message as SyncMessage)).toThrow(
      expect.objectContaining({ code: BlockIndexErrorCode.SYNC_MESSAGE_INVALID }),
    );
    const { index } = makeIndex(R1);
    index.recordStored(blockHex(2), H3, 'r');
    const before = observable(index);
    expect(() => new IndexSyncSession(index).receive(message as SyncMessage)).toThrow(
      expect.objectContaining({ code: BlockIndexErrorCode.SYNC_MESSAGE_INVALID }),
    );
    expect(observable(index)).toBe(before);
  });
});
