/**
 * The store port compliance suite: jest tests every `Store` adapter must pass.
 *
 * Written against the jest globals (`describe`, `it`, `expect`, `beforeEach`, `afterEach`), so it
 * runs inside the adapter package's own jest run.
 */
import fc from 'fast-check';
import { CoreErrorCode, type ScanOptions, type Store, type WriteOperation } from '@brightchain/core';
import { expectThrowsCode } from './expect-error-code';
import { NaiveStoreModel, compareBytes, fingerprint, hex, naiveScan } from './store-model';

/** How the suite creates, reopens and crashes stores of the adapter under test. */
export interface StoreHarness {
  /** Opens a store on a fresh, empty medium (each call a new one). */
  open(): Store | Promise<Store>;
  /**
   * Closes `store` cleanly (`store.close()`) and opens a new store on the same medium. Everything
   * written before the close must be there.
   */
  reopen(store: Store): Store | Promise<Store>;
  /**
   * Optional: simulates process death while `store` is open (no flush, no close; anything not flushed
   * may be lost) and opens a new store on the same medium. Without it, crash tests are skipped.
   */
  crash?(store: Store): Store | Promise<Store>;
  /** Releases every medium this harness created (temporary directories…). Runs after each test. */
  teardown?(): void | Promise<void>;
  /** Runs of the random-operations model test (default 100). */
  readonly modelRuns?: number;
}

/**
 * Makes a {@link StoreHarness}. Called once while the suite is defined (to see whether `crash` is
 * supported) and once before every test, so it must be synchronous and cheap: create media in
 * `open()`, not here.
 */
export type StoreHarnessFactory = () => StoreHarness;

/** Limits above this are not exercised at their boundary (the suite would allocate too much). */
const BOUNDARY_CAP_BYTES = 64 * 1024 * 1024;

/**
 * The smallest limits the suite's own test data needs; an adapter must allow at least these (the
 * suite checks it). Handy for running the suite a second time with the tightest limits.
 *
 * @example
 * ```ts
 * describeStoreCompliance('MemoryStore (tight limits)', () => harnessWith({ limits: MINIMUM_STORE_LIMITS }));
 * ```
 */
export const MINIMUM_STORE_LIMITS = Object.freeze({
  maxKeyBytes: 16,
  maxValueBytes: 256,
  maxBatchOperations: 64,
  maxLogRecordBytes: 256,
});

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const u32 = (value: number): Uint8Array => {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
};

/** Keys covering the byte-order edge cases: 0x00, 0xff, prefixes of each other, high bit set. */
const ORDER_KEYS: readonly Uint8Array[] = [
  bytes(0x00),
  bytes(0x00, 0x00),
  bytes(0x00, 0x01),
  bytes(0x01),
  bytes(0x61),
  bytes(0x61, 0x62),
  bytes(0x62),
  bytes(0x7f),
  bytes(0x80),
  bytes(0x80, 0x00),
  bytes(0xfe, 0xff, 0xff),
  bytes(0xff),
  bytes(0xff, 0x00),
  bytes(0xff, 0xff),
  bytes(0xff, 0xff, 0xff),
];

function entriesOf(store: Store, options?: ScanOptions): [string, string][] {
  return [...store.scan(options)].map(([key, value]) => [hex(key), hex(value)]);
}

function recordsOf(store: Store, log: string, fromSequence?: number): [number, string][] {
  return [...store.readLog(log, fromSequence)].map(({ sequence, record }) => [sequence, hex(record)]);
}

function put(key: Uint8Array, value: Uint8Array): WriteOperation {
  return { type: 'put', key, value };
}

function del(key: Uint8Array): WriteOperation {
  return { type: 'delete', key };
}

/** A state fingerprint for "a rejected input changes nothing" checks. */
function snapshot(store: Store, logs: readonly string[]): string {
  return JSON.stringify([entriesOf(store), logs.map((log) => recordsOf(store, log))]);
}

/**
 * Defines the store compliance tests for one adapter.
 *
 * Covers get/put/delete and overwrite; atomic batches (one bad operation changes nothing); unsigned
 * byte ordering and every scan option with 0x00/0xff keys; binary-safe and empty values; copy
 * semantics; size limits and empty keys (`BC_STORE_INVALID`); log order, sequence numbers,
 * `readLog(from)`, `logLength` and independent logs; durability across reopen and (when the
 * harness can crash) across process death; `BC_STORE_CLOSED` after close; and a fast-check model
 * test of random operation sequences against a naive Map-based model.
 *
 * Besides the `Store` interface contract, the suite expects: `close()` is a clean shutdown
 * (everything written before it survives reopen), reads of an empty key and appends to an empty
 * log name throw `BC_STORE_INVALID`, and limits are positive integers.
 *
 * @param name - the adapter's name, used in the test titles
 * @param harnessFactory - see {@link StoreHarnessFactory}
 * @throws nothing itself; failures are jest test failures
 * @example
 * ```ts
 * import { MemoryDisk, MemoryStore } from '@brightchain/core';
 * import { describeStoreCompliance } from '@brightchain/compliance-tests';
 *
 * describeStoreCompliance('MemoryStore', () => ({
 *   open: () => new MemoryStore({ disk: new MemoryDisk() }),
 *   reopen: (store) => {
 *     store.close();
 *     return new MemoryStore({ disk: (store as MemoryStore).disk });
 *   },
 *   crash: (store) => {
 *     const disk = (store as MemoryStore).disk;
 *     disk.crash();
 *     return new MemoryStore({ disk });
 *   },
 * }));
 * ```
 */
export function describeStoreCompliance(name: string, harnessFactory: StoreHarnessFactory): void {
  const canCrash = typeof harnessFactory().crash === 'function';
  const itCrash = canCrash ? it : it.skip;

  describe(`${name}: Store compliance`, () => {
    let harness: StoreHarness;
    let opened: Store[] = [];

    const track = (store: Store): Store => {
      opened.push(store);
      return store;
    };
    const open = async (): Promise<Store> => track(await harness.open());
    const reopen = async (store: Store): Promise<Store> => track(await harness.reopen(store));
    const crash = async (store: Store): Promise<Store> => {
      if (harness.crash === undefined) throw new Error('this harness cannot crash');
      return track(await harness.crash(store));
    };

    beforeEach(() => {
      harness = harnessFactory();
      opened = [];
    });

    afterEach(async () => {
      for (const store of opened) {
        try {
          store.close();
        } catch {
          // Already closed (or crashed): nothing to release.
        }
      }
      await harness.teardown?.();
    });

    describe('keys and values', () => {
      it('declares integer limits of at least MINIMUM_STORE_LIMITS', async () => {
        const store = await open();
        for (const [name, minimum] of Object.entries(MINIMUM_STORE_LIMITS)) {
          const limit = store.limits[name as keyof typeof MINIMUM_STORE_LIMITS];
          expect({ name, ok: Number.isSafeInteger(limit) && limit >= minimum }).toEqual({ name, ok: true });
        }
      });

      it('gets undefined for a missing key, then what was put', async () => {
        const store = await open();
        expect(store.get(text('missing'))).toBeUndefined();
        store.write([put(text('k'), bytes(1, 2, 3))]);
        expect(store.get(text('k'))).toEqual(bytes(1, 2, 3));
        expect(store.get(text('missing'))).toBeUndefined();
      });

      it('overwrites a key with the latest value', async () => {
        const store = await open();
        store.write([put(text('k'), bytes(1))]);
        store.write([put(text('k'), bytes(2, 2))]);
        expect(store.get(text('k'))).toEqual(bytes(2, 2));
        expect(entriesOf(store)).toEqual([[hex(text('k')), '0202']]);
      });

      it('deletes a key, and deleting a missing key is a no-op', async () => {
        const store = await open();
        store.write([put(text('a'), bytes(1)), put(text('b'), bytes(2))]);
        store.write([del(text('a'))]);
        expect(store.get(text('a'))).toBeUndefined();
        store.write([del(text('never'))]);
        expect(entriesOf(store)).toEqual([[hex(text('b')), '02']]);
      });

      it('stores binary keys and values byte for byte, including the empty value', async () => {
        const store = await open();
        const all = Uint8Array.from({ length: 256 }, (_, i) => i);
        store.write([
          put(bytes(0x00), all),
          put(bytes(0xff), new Uint8Array(0)),
          put(bytes(0x00, 0xff, 0x00), bytes(0x00)),
        ]);
        expect(store.get(bytes(0x00))).toEqual(all);
        const empty = store.get(bytes(0xff));
        expect(empty).toBeInstanceOf(Uint8Array);
        expect(empty?.length).toBe(0);
        expect(store.get(bytes(0x00, 0xff, 0x00))).toEqual(bytes(0x00));
        expect(store.get(bytes(0x00, 0xff))).toBeUndefined();
        expect(entriesOf(store)).toEqual([
          ['00', hex(all)],
          ['00ff00', '00'],
          ['ff', ''],
        ]);
      });

      it('copies bytes in and out: callers cannot mutate stored state', async () => {
        const store = await open();
        const key = text('key');
        const value = bytes(1, 2, 3);
        store.write([put(key, value)]);
        value[0] = 99;
        key[0] = 0;
        expect(store.get(text('key'))).toEqual(bytes(1, 2, 3));
        const got = store.get(text('key')) as Uint8Array;
        got[1] = 99;
        expect(store.get(text('key'))).toEqual(bytes(1, 2, 3));
        for (const [k, v] of store.scan()) {
          k[0] = 0;
          v[2] = 99;
        }
        expect(entriesOf(store)).toEqual([[hex(text('key')), '010203']]);
        const record = bytes(7, 7);
        store.append('log', record);
        record[0] = 0;
        for (const entry of store.readLog('log')) entry.record[1] = 0;
        expect(recordsOf(store, 'log')).toEqual([[0, '0707']]);
      });
    });

    describe('validation (a rejected input changes nothing)', () => {
      it('rejects an empty key for get, put and delete', async () => {
        const store = await open();
        store.write([put(text('a'), bytes(1))]);
        const before = snapshot(store, []);
        expectThrowsCode(() => store.get(new Uint8Array(0)), CoreErrorCode.STORE_INVALID);
        expectThrowsCode(() => store.write([put(new Uint8Array(0), bytes(1))]), CoreErrorCode.STORE_INVALID);
        expectThrowsCode(() => store.write([del(new Uint8Array(0))]), CoreErrorCode.STORE_INVALID);
        expect(snapshot(store, [])).toBe(before);
      });

      it('accepts a key of exactly maxKeyBytes and rejects one byte more', async () => {
        const store = await open();
        const max = store.limits.maxKeyBytes;
        if (max > BOUNDARY_CAP_BYTES) return;
        const longest = new Uint8Array(max).fill(0xab);
        store.write([put(longest, bytes(1))]);
        expect(store.get(longest)).toEqual(bytes(1));
        const before = snapshot(store, []);
        const tooLong = new Uint8Array(max + 1).fill(0xab);
        expectThrowsCode(() => store.write([put(tooLong, bytes(2))]), CoreErrorCode.STORE_INVALID);
        expectThrowsCode(() => store.write([del(tooLong)]), CoreErrorCode.STORE_INVALID);
        expectThrowsCode(() => store.get(tooLong), CoreErrorCode.STORE_INVALID);
        expect(snapshot(store, [])).toBe(before);
      });

      it('accepts a value of exactly maxValueBytes and rejects one byte more', async () => {
        const store = await open();
        const max = store.limits.maxValueBytes;
        if (max > BOUNDARY_CAP_BYTES) return;
        store.write([put(text('big'), new Uint8Array(max).fill(7))]);
        expect(store.get(text('big'))?.length).toBe(max);
        expectThrowsCode(
          () => store.write([put(text('big'), new Uint8Array(max + 1))]),
          CoreErrorCode.STORE_INVALID,
        );
        expectThrowsCode(
          () => store.write([put(text('other'), new Uint8Array(max + 1))]),
          CoreErrorCode.STORE_INVALID,
        );
        expect(store.get(text('big'))?.length).toBe(max);
        expect(store.get(text('other'))).toBeUndefined();
      });

      it('accepts a batch of exactly maxBatchOperations and rejects one more', async () => {
        const store = await open();
        const max = store.limits.maxBatchOperations;
        if (max > 1_000_000) return;
        const keyOf = (i: number) => u32(i);
        store.write(Array.from({ length: max }, (_, i) => put(keyOf(i), bytes(1))));
        expect([...store.scan()].length).toBe(max);
        const tooMany = Array.from({ length: max + 1 }, (_, i) => put(keyOf(i + max), bytes(2)));
        expectThrowsCode(() => store.write(tooMany), CoreErrorCode.STORE_INVALID);
        expect([...store.scan()].length).toBe(max);
        expect(store.get(keyOf(max))).toBeUndefined();
      });

      it('accepts a log record of exactly maxLogRecordBytes and rejects one byte more', async () => {
        const store = await open();
        const max = store.limits.maxLogRecordBytes;
        if (max > BOUNDARY_CAP_BYTES) return;
        expect(store.append('log', new Uint8Array(max).fill(3))).toBe(0);
        expectThrowsCode(() => store.append('log', new Uint8Array(max + 1)), CoreErrorCode.STORE_INVALID);
        expect(store.logLength('log')).toBe(1);
        expect(store.append('log', bytes(1))).toBe(1);
      });

      it('rejects an empty log name', async () => {
        const store = await open();
        expectThrowsCode(() => store.append('', bytes(1)), CoreErrorCode.STORE_INVALID);
      });
    });

    describe('atomic batches', () => {
      it('applies every operation of a batch in order', async () => {
        const store = await open();
        store.write([put(text('x'), bytes(9))]);
        store.write([
          put(text('a'), bytes(1)),
          put(text('b'), bytes(2)),
          del(text('a')),
          put(text('c'), bytes(3)),
          put(text('c'), bytes(4)),
          del(text('x')),
          put(text('x'), bytes(5)),
        ]);
        expect(entriesOf(store)).toEqual([
          [hex(text('b')), '02'],
          [hex(text('c')), '04'],
          [hex(text('x')), '05'],
        ]);
      });

      it('treats an empty batch as a no-op', async () => {
        const store = await open();
        store.write([put(text('a'), bytes(1))]);
        store.write([]);
        expect(entriesOf(store)).toEqual([[hex(text('a')), '01']]);
      });

      const oversized = (limit: number): Uint8Array | undefined =>
        limit > BOUNDARY_CAP_BYTES ? undefined : new Uint8Array(limit + 1);
      const badOperations: [string, (store: Store) => WriteOperation | undefined][] = [
        ['an empty key', () => put(new Uint8Array(0), bytes(1))],
        ['an empty key in a delete', () => del(new Uint8Array(0))],
        [
          'an oversized key',
          (store) => {
            const key = oversized(store.limits.maxKeyBytes);
            return key && put(key, bytes(1));
          },
        ],
        [
          'an oversized value',
          (store) => {
            const value = oversized(store.limits.maxValueBytes);
            return value && put(text('v'), value);
          },
        ],
        ['a key that is not bytes', () => put('k' as unknown as Uint8Array, bytes(1))],
        [
          'an unknown operation type',
          () => ({ type: 'merge', key: text('m'), value: bytes(1) }) as unknown as WriteOperation,
        ],
      ];
      for (const [label, makeBad] of badOperations) {
        it(`rejects a whole batch containing ${label} and changes nothing`, async () => {
          const store = await open();
          const bad = makeBad(store);
          if (bad === undefined) return;
          store.write([put(text('keep'), bytes(1)), put(text('gone'), bytes(2))]);
          const before = snapshot(store, []);
          const batch = [put(text('keep'), bytes(9)), del(text('gone')), put(text('new'), bytes(3))];
          expectThrowsCode(() => store.write([...batch, bad]), CoreErrorCode.STORE_INVALID);
          expectThrowsCode(() => store.write([bad, ...batch]), CoreErrorCode.STORE_INVALID);
          expect(snapshot(store, [])).toBe(before);
        });
      }
    });

    describe('ordering and scans', () => {
      const load = async (): Promise<Store> => {
        const store = await open();
        const shuffled = ORDER_KEYS.map((key, i) => [key, i] as const).sort(
          ([, a], [, b]) => ((a * 7) % ORDER_KEYS.length) - ((b * 7) % ORDER_KEYS.length),
        );
        for (const [key, i] of shuffled) store.write([put(key, bytes(i))]);
        return store;
      };
      const expected = (options?: ScanOptions) =>
        naiveScan(
          ORDER_KEYS.map((key, i) => [key, bytes(i)] as const),
          options,
        ).map(([key, value]) => [hex(key), hex(value)]);

      it('scans in unsigned byte order of key', async () => {
        const store = await load();
        const keys = [...store.scan()].map(([key]) => hex(key));
        expect(keys).toEqual(ORDER_KEYS.map(hex));
        expect([...ORDER_KEYS].sort(compareBytes).map(hex)).toEqual(ORDER_KEYS.map(hex));
      });

      it('handles prefixes of 0x00 and 0xff exactly (known answers)', async () => {
        const store = await load();
        const keys = (options: ScanOptions) => [...store.scan(options)].map(([key]) => hex(key));
        expect(keys({ prefix: bytes(0x00) })).toEqual(['00', '0000', '0001']);
        expect(keys({ prefix: bytes(0xff) })).toEqual(['ff', 'ff00', 'ffff', 'ffffff']);
        expect(keys({ prefix: bytes(0xff, 0xff) })).toEqual(['ffff', 'ffffff']);
        expect(keys({ prefix: bytes(0xfe) })).toEqual(['feffff']);
        expect(keys({ prefix: bytes(0x80), reverse: true })).toEqual(['8000', '80']);
        expect(keys({ start: bytes(0xff, 0x00), limit: 2 })).toEqual(['ff00', 'ffff']);
        expect(keys({ end: bytes(0x00, 0x01) })).toEqual(['00', '0000']);
      });

      const table: [string, ScanOptions][] = [
        ['no options', {}],
        ['reverse', { reverse: true }],
        ['limit 3', { limit: 3 }],
        ['limit 0', { limit: 0 }],
        ['limit beyond size', { limit: 1000 }],
        ['reverse with limit 2', { reverse: true, limit: 2 }],
        ['empty prefix', { prefix: new Uint8Array(0) }],
        ['prefix 0x00', { prefix: bytes(0x00) }],
        ['prefix 0xff', { prefix: bytes(0xff) }],
        ['prefix 0xff 0xff reversed', { prefix: bytes(0xff, 0xff), reverse: true }],
        ['prefix with no match', { prefix: bytes(0x10) }],
        ['start (inclusive)', { start: bytes(0x7f) }],
        ['end (exclusive)', { end: bytes(0x7f) }],
        ['start and end', { start: bytes(0x00, 0x01), end: bytes(0x80, 0x00) }],
        [
          'start and end reversed with limit',
          { start: bytes(0x00, 0x01), end: bytes(0xff), reverse: true, limit: 4 },
        ],
        ['start equal to end', { start: bytes(0x61), end: bytes(0x61) }],
        ['start after end', { start: bytes(0x80), end: bytes(0x01) }],
        ['start below every key', { start: new Uint8Array(0) }],
        ['end above every key', { end: bytes(0xff, 0xff, 0xff, 0x00) }],
        ['prefix and start', { prefix: bytes(0x00), start: bytes(0x00, 0x00) }],
        ['prefix and end', { prefix: bytes(0xff), end: bytes(0xff, 0xff) }],
        [
          'prefix, start and end reversed',
          { prefix: bytes(0xff), start: bytes(0xff, 0x00), end: bytes(0xff, 0xff, 0xff), reverse: true },
        ],
        ['start inside a prefix range', { prefix: bytes(0x61), start: bytes(0x61, 0x00) }],
        ['end before the prefix range', { prefix: bytes(0xff), end: bytes(0x80) }],
      ];
      for (const [label, options] of table) {
        it(`scan: ${label}`, async () => {
          const store = await load();
          expect(entriesOf(store, options)).toEqual(expected(options));
        });
      }

      it('scans an empty store as empty, with any options', async () => {
        const store = await open();
        expect(entriesOf(store)).toEqual([]);
        expect(entriesOf(store, { prefix: bytes(0xff), reverse: true, limit: 1 })).toEqual([]);
      });

      it('reflects deletes in scans', async () => {
        const store = await load();
        store.write([del(bytes(0x00)), del(bytes(0xff, 0xff, 0xff)), del(bytes(0x80))]);
        const keys = [...store.scan()].map(([key]) => hex(key));
        expect(keys).toEqual(ORDER_KEYS.map(hex).filter((k) => !['00', 'ffffff', '80'].includes(k)));
      });
    });

    describe('append-only logs', () => {
      it('returns sequence numbers 0, 1, 2, … and reads records back in order', async () => {
        const store = await open();
        expect(store.append('log', bytes(10))).toBe(0);
        expect(store.append('log', new Uint8Array(0))).toBe(1);
        expect(store.append('log', bytes(0xff, 0x00))).toBe(2);
        expect(store.logLength('log')).toBe(3);
        expect(recordsOf(store, 'log')).toEqual([
          [0, '0a'],
          [1, ''],
          [2, 'ff00'],
        ]);
      });

      it('reads from a sequence number, and past the end is empty', async () => {
        const store = await open();
        for (let i = 0; i < 5; i++) store.append('log', bytes(i));
        expect(recordsOf(store, 'log', 0)).toEqual(recordsOf(store, 'log'));
        expect(recordsOf(store, 'log', 3)).toEqual([
          [3, '03'],
          [4, '04'],
        ]);
        expect(recordsOf(store, 'log', 5)).toEqual([]);
        expect(recordsOf(store, 'log', 100)).toEqual([]);
      });

      it('treats a log never written as empty', async () => {
        const store = await open();
        expect(store.logLength('never')).toBe(0);
        expect(recordsOf(store, 'never')).toEqual([]);
      });

      it('keeps logs independent of each other and of the key-value space', async () => {
        const store = await open();
        store.append('a', bytes(1));
        store.append('b', bytes(2));
        store.append('a', bytes(3));
        store.write([put(text('a'), bytes(9))]);
        expect(store.append('b', bytes(4))).toBe(1);
        expect(recordsOf(store, 'a')).toEqual([
          [0, '01'],
          [1, '03'],
        ]);
        expect(recordsOf(store, 'b')).toEqual([
          [0, '02'],
          [1, '04'],
        ]);
        expect(entriesOf(store)).toEqual([[hex(text('a')), '09']]);
      });

      it('keeps many records in order', async () => {
        const store = await open();
        for (let i = 0; i < 1000; i++) store.append('many', text(`record-${i}`));
        expect(store.logLength('many')).toBe(1000);
        const records = [...store.readLog('many', 990)];
        expect(records.map((r) => r.sequence)).toEqual(Array.from({ length: 10 }, (_, i) => 990 + i));
        expect(new TextDecoder().decode(records[9]?.record)).toBe('record-999');
      });
    });

    describe('durability', () => {
      it('keeps flushed writes and appends across a clean reopen', async () => {
        let store = await open();
        store.write([
          put(bytes(0x00), bytes(1)),
          put(bytes(0xff), new Uint8Array(0)),
          put(text('x'), bytes(3)),
        ]);
        store.write([del(text('x'))]);
        store.append('log', bytes(1));
        store.append('log', bytes(2));
        store.append('other', bytes(3));
        store.flush();
        const before = snapshot(store, ['log', 'other']);
        store = await reopen(store);
        expect(snapshot(store, ['log', 'other'])).toBe(before);
      });

      it('keeps everything written before close (a clean shutdown), flushed or not', async () => {
        let store = await open();
        store.write([put(text('k'), bytes(1))]);
        store.append('log', bytes(1));
        store = await reopen(store);
        expect(store.get(text('k'))).toEqual(bytes(1));
        expect(recordsOf(store, 'log')).toEqual([[0, '01']]);
      });

      it('continues sequence numbers after reopen', async () => {
        let store = await open();
        store.append('log', bytes(0));
        store.append('log', bytes(1));
        store.flush();
        store = await reopen(store);
        expect(store.append('log', bytes(2))).toBe(2);
        store = await reopen(store);
        expect(recordsOf(store, 'log')).toEqual([
          [0, '00'],
          [1, '01'],
          [2, '02'],
        ]);
      });

      itCrash('keeps everything flushed across a crash', async () => {
        let store = await open();
        store.write([put(text('a'), bytes(1)), put(text('b'), bytes(2))]);
        store.append('log', bytes(1));
        store.flush();
        store.write([del(text('a'))]);
        store.flush();
        const before = snapshot(store, ['log']);
        store = await crash(store);
        expect(snapshot(store, ['log'])).toBe(before);
      });

      itCrash('never leaves half of an unflushed batch after a crash', async () => {
        let store = await open();
        const keys = Array.from({ length: 50 }, (_, i) => text(`key-${i}`));
        store.write(keys.map((key) => put(key, bytes(1))));
        store.flush();
        store.write(keys.map((key, i) => (i % 5 === 0 ? del(key) : put(key, bytes(2)))));
        store = await crash(store);
        const values = keys.map((key) => store.get(key)?.[0]);
        const allOld = values.every((v) => v === 1);
        const allNew = values.every((v, i) => (i % 5 === 0 ? v === undefined : v === 2));
        expect(allOld || allNew).toBe(true);
      });

      itCrash('recovers a log as a prefix of what was appended, with every flushed record', async () => {
        let store = await open();
        for (let i = 0; i < 5; i++) store.append('log', bytes(i, i));
        store.flush();
        for (let i = 5; i < 12; i++) store.append('log', new Uint8Array(100).fill(i));
        store = await crash(store);
        const length = store.logLength('log');
        expect(length).toBeGreaterThanOrEqual(5);
        expect(length).toBeLessThanOrEqual(12);
        const records = [...store.readLog('log')];
        expect(records.map((r) => r.sequence)).toEqual(Array.from({ length }, (_, i) => i));
        for (const { sequence, record } of records) {
          expect(hex(record)).toBe(
            hex(sequence < 5 ? bytes(sequence, sequence) : new Uint8Array(100).fill(sequence)),
          );
        }
      });

      itCrash('keeps working after crash recovery', async () => {
        let store = await open();
        store.append('log', bytes(1));
        store.write([put(text('a'), bytes(1))]);
        store.flush();
        store.append('log', bytes(2));
        store = await crash(store);
        const length = store.logLength('log');
        expect(store.append('log', bytes(3))).toBe(length);
        store.write([put(text('b'), bytes(2))]);
        store.flush();
        store = await crash(store);
        expect(store.logLength('log')).toBe(length + 1);
        expect(store.get(text('a'))).toEqual(bytes(1));
        expect(store.get(text('b'))).toEqual(bytes(2));
      });
    });

    describe('after close', () => {
      it('throws BC_STORE_CLOSED from every method', async () => {
        const store = await open();
        store.write([put(text('a'), bytes(1))]);
        store.append('log', bytes(1));
        store.close();
        const closed = CoreErrorCode.STORE_CLOSED;
        expectThrowsCode(() => store.get(text('a')), closed);
        expectThrowsCode(() => [...store.scan()], closed);
        expectThrowsCode(() => store.write([put(text('b'), bytes(2))]), closed);
        expectThrowsCode(() => store.write([]), closed);
        expectThrowsCode(() => store.append('log', bytes(2)), closed);
        expectThrowsCode(() => [...store.readLog('log')], closed);
        expectThrowsCode(() => store.logLength('log'), closed);
        expectThrowsCode(() => store.flush(), closed);
      });

      itCrash('throws BC_STORE_CLOSED from a store whose process crashed', async () => {
        const store = await open();
        store.write([put(text('a'), bytes(1))]);
        const recovered = await crash(store);
        expectThrowsCode(() => store.get(text('a')), CoreErrorCode.STORE_CLOSED);
        expectThrowsCode(() => store.write([put(text('b'), bytes(2))]), CoreErrorCode.STORE_CLOSED);
        expect(recovered.get(text('b'))).toBeUndefined();
      });
    });

    describe('model', () => {
      it('matches a naive Map-based model on random operation sequences', async () => {
        await fc.assert(
          fc.asyncProperty(commandsArbitrary(canCrash), async (commands) => {
            await runModel(commands, { open, reopen, crash });
          }),
          { numRuns: harness.modelRuns ?? 100 },
        );
      });
    });
  });
}

type Command =
  | { readonly kind: 'write'; readonly operations: readonly WriteOperation[]; readonly badAt: number | null }
  | { readonly kind: 'get'; readonly key: Uint8Array }
  | { readonly kind: 'scan'; readonly options: ScanOptions }
  | { readonly kind: 'append'; readonly log: string; readonly record: Uint8Array }
  | { readonly kind: 'readLog'; readonly log: string; readonly from: number }
  | { readonly kind: 'flush' }
  | { readonly kind: 'reopen' }
  | { readonly kind: 'crash' };

function commandsArbitrary(canCrash: boolean): fc.Arbitrary<Command[]> {
  const byte = fc.constantFrom(0x00, 0x01, 0x7f, 0x80, 0xff);
  const key = fc.array(byte, { minLength: 1, maxLength: 3 }).map((a) => Uint8Array.from(a));
  const bound = fc.array(byte, { maxLength: 2 }).map((a) => Uint8Array.from(a));
  const value = fc.uint8Array({ maxLength: 4 });
  const operation: fc.Arbitrary<WriteOperation> = fc.oneof(
    { arbitrary: fc.record({ key, value }).map(({ key, value }) => put(key, value)), weight: 3 },
    { arbitrary: key.map(del), weight: 1 },
  );
  const scanOptions: fc.Arbitrary<ScanOptions> = fc
    .record(
      {
        prefix: bound,
        start: bound,
        end: bound,
        limit: fc.nat({ max: 6 }),
        reverse: fc.boolean(),
      },
      { requiredKeys: [] },
    )
    .map((options) => options as ScanOptions);
  const log = fc.constantFrom('a', 'b');
  const arbitraries: fc.WeightedArbitrary<Command>[] = [
    {
      arbitrary: fc
        .record({ operations: fc.array(operation, { maxLength: 5 }), badAt: fc.option(fc.nat({ max: 5 })) })
        .map(({ operations, badAt }) => ({ kind: 'write' as const, operations, badAt })),
      weight: 6,
    },
    { arbitrary: key.map((key) => ({ kind: 'get' as const, key })), weight: 2 },
    { arbitrary: scanOptions.map((options) => ({ kind: 'scan' as const, options })), weight: 3 },
    {
      arbitrary: fc
        .record({ log, record: fc.uint8Array({ maxLength: 6 }) })
        .map(({ log, record }) => ({ kind: 'append' as const, log, record })),
      weight: 3,
    },
    {
      arbitrary: fc
        .record({ log, from: fc.nat({ max: 8 }) })
        .map(({ log, from }) => ({ kind: 'readLog' as const, log, from })),
      weight: 1,
    },
    { arbitrary: fc.constant({ kind: 'flush' as const }), weight: 2 },
    { arbitrary: fc.constant({ kind: 'reopen' as const }), weight: 1 },
  ];
  if (canCrash) arbitraries.push({ arbitrary: fc.constant({ kind: 'crash' as const }), weight: 2 });
  return fc.array(fc.oneof(...arbitraries), { maxLength: 40 });
}

interface ModelContext {
  open(): Promise<Store>;
  reopen(store: Store): Promise<Store>;
  crash(store: Store): Promise<Store>;
}

/** Runs `commands` on a fresh store and on the model, comparing every result and the full state. */
async function runModel(commands: readonly Command[], context: ModelContext): Promise<void> {
  const model = new NaiveStoreModel();
  // Key-value states a crash may legitimately recover: the durable one, then one per later batch.
  let crashCandidates = [model.kvFingerprint()];
  const durableLogLength = new Map<string, number>();
  let store = await context.open();
  try {
    for (const command of commands) {
      switch (command.kind) {
        case 'write': {
          if (command.badAt === null) {
            store.write(command.operations);
            model.write(command.operations);
            crashCandidates.push(model.kvFingerprint());
          } else {
            const bad = [...command.operations];
            bad.splice(command.badAt % (bad.length + 1), 0, put(new Uint8Array(0), Uint8Array.of(1)));
            expectThrowsCode(() => store.write(bad), CoreErrorCode.STORE_INVALID);
          }
          break;
        }
        case 'get':
          expect(hexOrUndefined(store.get(command.key))).toEqual(hexOrUndefined(model.get(command.key)));
          break;
        case 'scan':
          expect(entriesOf(store, command.options)).toEqual(
            model.scan(command.options).map(([key, value]) => [hex(key), hex(value)]),
          );
          break;
        case 'append':
          expect(store.append(command.log, command.record)).toBe(model.append(command.log, command.record));
          break;
        case 'readLog':
          expect(recordsOf(store, command.log, command.from)).toEqual(
            model.readLog(command.log, command.from).map(({ sequence, record }) => [sequence, hex(record)]),
          );
          break;
        case 'flush':
          store.flush();
          crashCandidates = [model.kvFingerprint()];
          for (const log of model.logNames()) durableLogLength.set(log, model.logLength(log));
          break;
        case 'reopen':
          store = await context.reopen(store);
          crashCandidates = [model.kvFingerprint()];
          for (const log of model.logNames()) durableLogLength.set(log, model.logLength(log));
          break;
        case 'crash': {
          store = await context.crash(store);
          const recovered = fingerprint(store.scan());
          expect(crashCandidates).toContain(recovered);
          model.resetKv(store.scan());
          crashCandidates = [recovered];
          for (const log of model.logNames()) {
            const length = store.logLength(log);
            expect(length).toBeGreaterThanOrEqual(durableLogLength.get(log) ?? 0);
            expect(length).toBeLessThanOrEqual(model.logLength(log));
            model.truncateLog(log, length);
            durableLogLength.set(log, length);
          }
          break;
        }
      }
      expect(fingerprint(store.scan())).toBe(model.kvFingerprint());
      for (const log of model.logNames()) {
        expect(store.logLength(log)).toBe(model.logLength(log));
        expect(recordsOf(store, log)).toEqual(
          model.readLog(log).map(({ sequence, record }) => [sequence, hex(record)]),
        );
      }
    }
  } finally {
    try {
      store.close();
    } catch {
      // The run failed with the store already closed; the original failure is what matters.
    }
  }
}

function hexOrUndefined(value: Uint8Array | undefined): string | undefined {
  return value === undefined ? undefined : hex(value);
}
