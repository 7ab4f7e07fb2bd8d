import fc from 'fast-check';
import {
  BrightChainError,
  type GuidV4,
  ManualClock,
  MemoryDisk,
  MemoryStore,
  utf8Bytes,
} from '@brightchain/core';
import { BlockIndex, BlockIndexErrorCode } from '@brightchain/block-index';
import { T0, blockHex, blockId, makeIndex, nodeIds, observable, snapshot } from './fixtures';

const [ME, A, B, C] = nodeIds(4, 3) as [GuidV4, GuidV4, GuidV4, GuidV4];

function open(disk: MemoryDisk, clock = new ManualClock(T0), storeKeyPrefix?: string): BlockIndex {
  const store = new MemoryStore({ disk });
  return new BlockIndex({ replicaId: ME, clock, store, ...(storeKeyPrefix ? { storeKeyPrefix } : {}) });
}

describe('durability through the Store port', () => {
  it('recovers every acknowledged entry and metadata record after a crash', () => {
    const disk = new MemoryDisk();
    const index = open(disk);
    index.recordStored(blockId(1), A, 'eu');
    index.recordStored(blockId(1), B, 'us');
    index.recordStored(blockId(2), A, 'eu');
    index.recordDropped(blockId(2), A);
    index.setBlockMetadata(blockId(3), { priority: 3, sizeBytes: 4096 });
    const peer = makeIndex(C).index;
    peer.recordStored(blockId(4), C, 'ap');
    index.merge([...peer.allEntries()]);
    const before = observable(index);
    disk.crash();
    const recovered = open(disk);
    expect(observable(recovered)).toBe(before);
    expect(recovered.metadataOf(blockId(3))).toMatchObject({ priority: 3, sizeBytes: 4096 });
  });

  it('loses unflushed writes on a crash, keeps flushed ones, and is not corrupted', () => {
    const disk = new MemoryDisk();
    const index = open(disk);
    index.recordStored(blockId(1), A, 'eu');
    const durable = snapshot(index);
    index.recordStored(blockId(2), A, 'eu', {}, { flush: false });
    index.setBlockMetadata(blockId(2), { priority: 1 }, { flush: false });
    index.merge(
      [...index.allEntries()].map((e) => ({ ...e, holder: B })),
      { flush: false },
    );
    disk.crash();
    const recovered = open(disk);
    expect(snapshot(recovered)).toBe(durable);
    expect(recovered.has(blockId(2))).toBe(false);
    recovered.recordStored(blockId(2), A, 'eu');
    expect(recovered.copyCount(blockId(2))).toBe(1);
  });

  it('makes { flush: false } writes durable with flush()', () => {
    const disk = new MemoryDisk();
    const index = open(disk);
    index.recordStored(blockId(1), A, 'eu', {}, { flush: false });
    index.recordStored(blockId(2), A, 'eu', {}, { flush: false });
    index.flush();
    const before = snapshot(index);
    disk.crash();
    expect(snapshot(open(disk))).toBe(before);
  });

  it('recovers exactly the state as of the last flush, for random histories', () => {
    const op = fc.record({
      kind: fc.constantFrom('stored', 'dropped', 'metadata', 'flush'),
      block: fc.nat(6),
      holder: fc.nat(2),
      flush: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        const disk = new MemoryDisk();
        const index = open(disk);
        let durable = observable(index);
        for (const o of ops) {
          const holder = [A, B, C][o.holder] as GuidV4;
          if (o.kind === 'flush') index.flush();
          else if (o.kind === 'stored')
            index.recordStored(blockId(o.block), holder, 'eu', {}, { flush: o.flush });
          else if (o.kind === 'dropped') index.recordDropped(blockId(o.block), holder, { flush: o.flush });
          else index.setBlockMetadata(blockId(o.block), { priority: o.holder }, { flush: o.flush });
          if (o.kind === 'flush' || o.flush) durable = observable(index);
        }
        disk.crash();
        expect(observable(open(disk))).toBe(durable);
      }),
      { numRuns: 60 },
    );
  });

  it('issues versions above every recovered one, even when the clock went backwards', () => {
    const disk = new MemoryDisk();
    const index = open(disk, new ManualClock(T0 + 5000));
    const last = index.recordStored(blockId(1), A, 'eu');
    disk.crash();
    const recovered = open(disk, new ManualClock(T0));
    const next = recovered.recordDropped(blockId(1), A);
    expect(next.version.wall).toBe(last.version.wall);
    expect(next.version.counter).toBe(last.version.counter + 1);
    expect(recovered.copyCount(blockId(1))).toBe(0);
  });

  it('splits batches larger than the store allows into several writes, one flush', () => {
    const disk = new MemoryDisk();
    const store = new MemoryStore({ disk, limits: { maxBatchOperations: 3 } });
    const index = new BlockIndex({ replicaId: ME, clock: new ManualClock(T0), store });
    index.record(
      Array.from({ length: 10 }, (_, n) => ({
        kind: 'stored' as const,
        blockId: blockId(n),
        holder: A,
        region: 'eu',
      })),
    );
    const before = snapshot(index);
    disk.crash();
    expect(snapshot(open(disk))).toBe(before);
  });

  it('keeps two indexes apart in one store with different key prefixes', () => {
    const disk = new MemoryDisk();
    const store = new MemoryStore({ disk });
    const clock = new ManualClock(T0);
    const first = new BlockIndex({ replicaId: ME, clock, store, storeKeyPrefix: 'one/' });
    const second = new BlockIndex({ replicaId: ME, clock, store, storeKeyPrefix: 'two/' });
    first.recordStored(blockId(1), A, 'eu');
    second.recordStored(blockId(2), B, 'us');
    disk.crash();
    const reopened = new MemoryStore({ disk });
    const one = new BlockIndex({ replicaId: ME, clock, store: reopened, storeKeyPrefix: 'one/' });
    const two = new BlockIndex({ replicaId: ME, clock, store: reopened, storeKeyPrefix: 'two/' });
    expect([one.has(blockId(1)), one.has(blockId(2))]).toEqual([true, false]);
    expect([two.has(blockId(1)), two.has(blockId(2))]).toEqual([false, true]);
  });

  it('leaves memory unchanged when the store rejects a write', () => {
    const disk = new MemoryDisk();
    const store = new MemoryStore({ disk });
    const index = new BlockIndex({ replicaId: ME, clock: new ManualClock(T0), store });
    index.recordStored(blockId(1), A, 'eu');
    const before = observable(index);
    store.close();
    expect(() => index.recordStored(blockId(2), A, 'eu')).toThrow(
      expect.objectContaining({ code: 'BC_STORE_CLOSED' }),
    );
    expect(() => index.merge([{ ...[...index.allEntries()][0]!, holder: B }])).toThrow(
      expect.objectContaining({ code: 'BC_STORE_CLOSED' }),
    );
    expect(() => index.setBlockMetadata(blockId(1), { priority: 2 })).toThrow(
      expect.objectContaining({ code: 'BC_STORE_CLOSED' }),
    );
    expect(observable(index)).toBe(before);
  });
});

describe('corrupt stores are refused', () => {
  function withRecord(mutate: (store: MemoryStore) => void): () => BlockIndex {
    const disk = new MemoryDisk();
    const index = open(disk);
    index.recordStored(blockId(1), A, 'eu');
    index.setBlockMetadata(blockId(1), { priority: 1 });
    disk.crash();
    const store = new MemoryStore({ disk });
    mutate(store);
    store.flush();
    store.close();
    return () => open(disk);
  }
  const prefix = utf8Bytes('block-index/v1/');
  const entryKey = (n: number, holder: Uint8Array) =>
    new Uint8Array([...prefix, 0x65, ...blockId(n), ...holder]);
  const metadataKey = (n: number) => new Uint8Array([...prefix, 0x6d, ...blockId(n)]);
  const holderBytes = (id: string) => Uint8Array.from(Buffer.from(id.replace(/-/g, ''), 'hex'));

  const cases: [string, (store: MemoryStore) => void][] = [
    [
      'an entry value that is not canonical',
      (s) => s.write([{ type: 'put', key: entryKey(1, holderBytes(A)), value: Uint8Array.of(0xc1) }]),
    ],
    [
      'an entry stored under another key',
      (s) => {
        const value = s.get(entryKey(1, holderBytes(A))) as Uint8Array;
        s.write([{ type: 'put', key: entryKey(2, holderBytes(A)), value }]);
      },
    ],
    [
      'a metadata record of the wrong shape',
      (s) => s.write([{ type: 'put', key: metadataKey(1), value: Uint8Array.of(0x91, 0x02) }]),
    ],
    [
      'a metadata key without a block id',
      (s) =>
        s.write([{ type: 'put', key: new Uint8Array([...prefix, 0x6d, 1]), value: Uint8Array.of(0x90) }]),
    ],
    [
      'an entry with a bad region',
      (s) => {
        const value = s.get(entryKey(1, holderBytes(A))) as Uint8Array;
        const text = Buffer.from(value).toString('latin1').replace('eu', '!!');
        s.write([
          {
            type: 'put',
            key: entryKey(1, holderBytes(A)),
            value: Uint8Array.from(Buffer.from(text, 'latin1')),
          },
        ]);
      },
    ],
  ];
  it.each(cases)('%s', (_, mutate) => {
    const reopen = withRecord(mutate);
    try {
      reopen();
      throw new Error('expected BC_INDEX_STORE_CORRUPT');
    } catch (error) {
      expect(BrightChainError.isInstance(error, BlockIndexErrorCode.STORE_CORRUPT)).toBe(true);
    }
  });

  it('opens cleanly when nothing was tampered with', () => {
    expect(withRecord(() => {})().copyCount(blockHex(1))).toBe(1);
  });
});
