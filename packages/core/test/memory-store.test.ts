import fc from 'fast-check';
import { BrightChainError, MemoryDisk, MemoryStore, SeededRandom, type Store } from '@brightchain/core';

const bytes = (...values: number[]) => Uint8Array.from(values);
const hex = (value: Uint8Array) => Buffer.from(value).toString('hex');

function codeOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    return BrightChainError.isInstance(error) ? error.code : `foreign: ${String(error)}`;
  }
  return 'nothing thrown';
}

/** Textbook bitwise CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320): the naive reference. */
function naiveCrc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** The frame the disk format promises: u32be length ‖ u32be crc32(length ‖ record) ‖ record. */
function naiveFrame(record: Uint8Array): Uint8Array {
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, record.length);
  const crc = new Uint8Array(4);
  new DataView(crc.buffer).setUint32(0, naiveCrc32(Uint8Array.from([...length, ...record])));
  return Uint8Array.from([...length, ...crc, ...record]);
}

function records(store: Store, log: string): string[] {
  return [...store.readLog(log)].map(({ record }) => hex(record));
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

const RECORDS = [
  new Uint8Array(0),
  bytes(1),
  bytes(1, 2, 3, 4, 5, 6, 7),
  new Uint8Array(300).fill(0xab),
  bytes(0, 0),
];

function diskWithLog(log: string, recordList: readonly Uint8Array[]): MemoryDisk {
  const disk = new MemoryDisk();
  const store = new MemoryStore({ disk });
  for (const record of recordList) store.append(log, record);
  store.close();
  return disk;
}

describe('MemoryDisk log frames', () => {
  it('the naive CRC-32 reference gives the standard check value', () => {
    expect(naiveCrc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('persists each record as length ‖ CRC-32(length ‖ record) ‖ record', () => {
    const list = [...RECORDS, new Uint8Array(5000).map((_, i) => i * 31)];
    const disk = diskWithLog('log', list);
    expect(hex(disk.logBytes('log'))).toBe(list.map((r) => hex(naiveFrame(r))).join(''));
  });

  it('hands out and stores copies of log bytes', () => {
    const disk = diskWithLog('log', [bytes(1)]);
    const copy = disk.logBytes('log');
    copy.fill(0);
    expect(hex(disk.logBytes('log'))).toBe(hex(naiveFrame(bytes(1))));
    const replacement = naiveFrame(bytes(2));
    disk.setLogBytes('log', replacement);
    replacement.fill(0);
    expect(records(new MemoryStore({ disk }), 'log')).toEqual(['02']);
  });
});

describe('MemoryStore crash model', () => {
  it('loses exactly what was not flushed and closes the crashed store', () => {
    const disk = new MemoryDisk();
    const store = new MemoryStore({ disk });
    store.write([{ type: 'put', key: bytes(1), value: bytes(1) }]);
    store.append('log', bytes(1));
    store.flush();
    store.write([
      { type: 'put', key: bytes(2), value: bytes(2) },
      { type: 'delete', key: bytes(1) },
    ]);
    store.append('log', bytes(2));
    store.append('other', bytes(3));
    disk.crash();
    expect(store.closed).toBe(true);
    for (const action of [
      () => store.get(bytes(1)),
      () => store.scan(),
      () => store.write([]),
      () => store.append('log', bytes(1)),
      () => store.readLog('log'),
      () => store.logLength('log'),
      () => store.flush(),
    ]) {
      expect(codeOf(action)).toBe('BC_STORE_CLOSED');
    }
    expect(codeOf(() => store.close())).toBe('nothing thrown');
    const recovered = new MemoryStore({ disk });
    expect([...recovered.scan()].map(([k, v]) => [hex(k), hex(v)])).toEqual([['01', '01']]);
    expect(records(recovered, 'log')).toEqual(['01']);
    expect(recovered.logLength('other')).toBe(0);
    expect(disk.logNames()).toEqual(['log']);
  });

  it('leaves a torn first unflushed record that reopening discards and truncates', () => {
    const first = bytes(9, 9, 9);
    const frameLength = naiveFrame(first).length;
    for (let torn = 1; torn <= frameLength + 3; torn++) {
      const disk = diskWithLog('log', [bytes(1), bytes(2)]);
      const flushedBytes = disk.logBytes('log').length;
      const store = new MemoryStore({ disk });
      store.append('log', first);
      store.append('log', bytes(4));
      disk.crash({ tornBytes: torn });
      expect(disk.logBytes('log').length).toBe(flushedBytes + Math.min(torn, frameLength - 1));
      const recovered = new MemoryStore({ disk });
      expect(records(recovered, 'log')).toEqual(['01', '02']);
      expect(disk.logBytes('log').length).toBe(flushedBytes);
      expect(recovered.append('log', bytes(5))).toBe(2);
      recovered.close();
      expect(records(new MemoryStore({ disk }), 'log')).toEqual(['01', '02', '05']);
    }
  });

  it('tears the first unflushed record across logs, even in a log never flushed', () => {
    const disk = new MemoryDisk();
    const store = new MemoryStore({ disk });
    store.append('a', bytes(1));
    store.flush();
    store.append('b', bytes(2, 2));
    store.append('a', bytes(3));
    disk.crash({ tornBytes: 5 });
    expect(disk.logBytes('b').length).toBe(5);
    expect(disk.logBytes('a').length).toBe(naiveFrame(bytes(1)).length);
    const recovered = new MemoryStore({ disk });
    expect(recovered.logLength('b')).toBe(0);
    expect(records(recovered, 'a')).toEqual(['01']);
    expect(disk.logNames()).toEqual(['a']);
  });

  it('leaves nothing torn when everything was flushed', () => {
    const disk = diskWithLog('log', [bytes(1)]);
    const before = hex(disk.logBytes('log'));
    new MemoryStore({ disk });
    disk.crash({ tornBytes: 4 });
    expect(hex(disk.logBytes('log'))).toBe(before);
  });

  it('rejects a bad tornBytes without crashing anything', () => {
    const disk = new MemoryDisk();
    const store = new MemoryStore({ disk });
    for (const tornBytes of [-1, 1.5, Number.NaN]) {
      expect(codeOf(() => disk.crash({ tornBytes }))).toBe('BC_INVALID_ARGUMENT');
    }
    expect(store.closed).toBe(false);
  });

  it('recovers every complete record when the log is cut at any offset', () => {
    const disk = diskWithLog('log', RECORDS);
    const full = disk.logBytes('log');
    const frameEnds: number[] = [];
    let end = 0;
    for (const record of RECORDS) {
      end += naiveFrame(record).length;
      frameEnds.push(end);
    }
    for (let cut = 0; cut <= full.length; cut++) {
      disk.setLogBytes('log', full.subarray(0, cut));
      const complete = frameEnds.filter((e) => e <= cut).length;
      const store = new MemoryStore({ disk });
      expect(records(store, 'log')).toEqual(RECORDS.slice(0, complete).map(hex));
      store.close();
      expect(disk.logBytes('log').length).toBe(complete === 0 ? 0 : (frameEnds[complete - 1] as number));
    }
  });

  it('reports BC_STORE_CORRUPT for damage to any byte of a frame followed by a valid frame', () => {
    const disk = diskWithLog('log', RECORDS);
    const full = disk.logBytes('log');
    const lastFrameStart = full.length - naiveFrame(RECORDS[RECORDS.length - 1] as Uint8Array).length;
    for (let offset = 0; offset < lastFrameStart; offset++) {
      const damaged = full.slice();
      damaged[offset] = (damaged[offset] as number) ^ 0x01;
      disk.setLogBytes('log', damaged);
      let error: unknown;
      try {
        new MemoryStore({ disk });
      } catch (caught) {
        error = caught;
      }
      expect(BrightChainError.isInstance(error, 'BC_STORE_CORRUPT')).toBe(true);
      expect(disk.inUse).toBe(false);
      expect(hex(disk.logBytes('log'))).toBe(hex(damaged));
    }
  });

  it('discards a damaged last frame as a torn tail', () => {
    const disk = diskWithLog('log', RECORDS);
    const full = disk.logBytes('log');
    const lastFrameStart = full.length - naiveFrame(RECORDS[RECORDS.length - 1] as Uint8Array).length;
    for (let offset = lastFrameStart; offset < full.length; offset++) {
      const damaged = full.slice();
      damaged[offset] = (damaged[offset] as number) ^ 0x80;
      disk.setLogBytes('log', damaged);
      const store = new MemoryStore({ disk });
      expect(records(store, 'log')).toEqual(RECORDS.slice(0, -1).map(hex));
      store.close();
    }
  });

  it('detects random damage before the tail and never loses a record silently (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 2, maxLength: 8 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (list, where, flip) => {
          const disk = diskWithLog('log', list);
          const full = disk.logBytes('log');
          const offset = where % full.length;
          const damaged = full.slice();
          damaged[offset] = (damaged[offset] as number) ^ flip;
          disk.setLogBytes('log', damaged);
          let recovered: string[] | undefined;
          try {
            recovered = records(new MemoryStore({ disk }), 'log');
          } catch (error) {
            expect(BrightChainError.isInstance(error, 'BC_STORE_CORRUPT')).toBe(true);
            return;
          }
          // Damage that recovery accepts can only have cost the last record.
          expect(recovered).toEqual(list.slice(0, -1).map(hex));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('MemoryStore on a MemoryDisk', () => {
  it('allows one open store per disk', () => {
    const disk = new MemoryDisk();
    const store = new MemoryStore({ disk });
    expect(disk.inUse).toBe(true);
    expect(codeOf(() => new MemoryStore({ disk }))).toBe('BC_STORE_LOCKED');
    expect(codeOf(() => disk.setLogBytes('log', bytes(1)))).toBe('BC_STORE_LOCKED');
    store.close();
    expect(disk.inUse).toBe(false);
    new MemoryStore({ disk }).close();
  });

  it('wipe crashes the open store and erases everything', () => {
    const disk = new MemoryDisk();
    const store = new MemoryStore({ disk });
    store.write([{ type: 'put', key: bytes(1), value: bytes(1) }]);
    store.append('log', bytes(1));
    store.flush();
    disk.wipe();
    expect(store.closed).toBe(true);
    expect(disk.logNames()).toEqual([]);
    const fresh = new MemoryStore({ disk });
    expect([...fresh.scan()]).toEqual([]);
    expect(fresh.logLength('log')).toBe(0);
  });

  it('close flushes (a clean shutdown) and is idempotent', () => {
    const disk = new MemoryDisk();
    const store = new MemoryStore({ disk });
    store.write([{ type: 'put', key: bytes(1), value: bytes(2) }]);
    store.append('log', bytes(3));
    store.close();
    store.close();
    const reopened = new MemoryStore({ disk });
    expect(reopened.get(bytes(1))).toEqual(bytes(2));
    expect(records(reopened, 'log')).toEqual(['03']);
  });

  it('honours custom limits and rejects invalid ones', () => {
    const store = new MemoryStore({ limits: { maxKeyBytes: 2 } });
    expect(store.limits).toEqual({ ...MemoryStore.defaultLimits, maxKeyBytes: 2 });
    expect(codeOf(() => store.write([{ type: 'put', key: bytes(1, 2, 3), value: bytes() }]))).toBe(
      'BC_STORE_INVALID',
    );
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(codeOf(() => new MemoryStore({ limits: { maxValueBytes: bad } }))).toBe('BC_INVALID_ARGUMENT');
    }
  });

  it('rejects malformed readLog and scan arguments', () => {
    const store = new MemoryStore();
    for (const from of [-1, 1.5, Number.NaN]) {
      expect(codeOf(() => store.readLog('log', from))).toBe('BC_STORE_INVALID');
    }
    expect(codeOf(() => store.logLength(''))).toBe('BC_STORE_INVALID');
    expect(codeOf(() => store.scan({ limit: -1 }))).toBe('BC_STORE_INVALID');
    expect(codeOf(() => store.scan({ limit: 0.5 }))).toBe('BC_STORE_INVALID');
    expect(codeOf(() => store.scan({ start: 'a' as unknown as Uint8Array }))).toBe('BC_STORE_INVALID');
    expect(codeOf(() => store.append('log', 'x' as unknown as Uint8Array))).toBe('BC_STORE_INVALID');
  });

  it('returns snapshots: later writes and appends do not show up in an earlier scan or readLog', () => {
    const store = new MemoryStore();
    store.write([{ type: 'put', key: bytes(1), value: bytes(1) }]);
    store.append('log', bytes(1));
    const scan = store.scan();
    const log = store.readLog('log');
    store.write([
      { type: 'put', key: bytes(0), value: bytes(0) },
      { type: 'put', key: bytes(1), value: bytes(9) },
    ]);
    store.append('log', bytes(2));
    expect([...scan].map(([k, v]) => [hex(k), hex(v)])).toEqual([['01', '01']]);
    expect([...log].map(({ record }) => hex(record))).toEqual(['01']);
  });

  it('keeps keys over 4 KiB with high bytes exact (the Buffer latin1 path)', () => {
    const store = new MemoryStore({ limits: { maxKeyBytes: 10_000 } });
    const long = Uint8Array.from({ length: 5000 }, (_, i) => 0x80 + (i % 128));
    const short = Uint8Array.from({ length: 100 }, (_, i) => 0xff - i);
    store.write([
      { type: 'put', key: long, value: bytes(1) },
      { type: 'put', key: short, value: bytes(2) },
    ]);
    expect(store.get(long)).toEqual(bytes(1));
    expect([...store.scan()].map(([k]) => hex(k))).toEqual([hex(long), hex(short)]);
  });
});

describe('MemoryStore ordered index against a naive sorted array', () => {
  it('agrees on scans through thousands of inserts and deletes (chunk splits and removals)', () => {
    const random = new SeededRandom(2024);
    const store = new MemoryStore();
    const naive = new Map<string, Uint8Array>();
    const randomKey = () => random.bytes(1 + random.int(4));
    const put = (key: Uint8Array) => {
      const value = random.bytes(2);
      store.write([{ type: 'put', key, value }]);
      naive.set(hex(key), key);
    };
    for (let i = 0; i < 6000; i++) put(randomKey());
    const sorted = () => [...naive.values()].sort(compareBytes).map(hex);
    const scanned = (options = {}) => [...store.scan(options)].map(([k]) => hex(k));
    expect(scanned()).toEqual(sorted());
    // Delete the lowest 60% in order: empties whole chunks.
    const victims = sorted().slice(0, Math.floor(naive.size * 0.6));
    for (const key of victims) {
      store.write([{ type: 'delete', key: Buffer.from(key, 'hex') }]);
      naive.delete(key);
    }
    expect(scanned()).toEqual(sorted());
    for (let i = 0; i < 3000; i++) {
      if (random.int(3) === 0 && naive.size > 0) {
        const keys = [...naive.keys()];
        const key = keys[random.int(keys.length)] as string;
        store.write([{ type: 'delete', key: Buffer.from(key, 'hex') }]);
        naive.delete(key);
      } else {
        put(randomKey());
      }
    }
    const expected = sorted();
    expect(scanned()).toEqual(expected);
    expect(scanned({ reverse: true })).toEqual([...expected].reverse());
    for (let i = 0; i < 200; i++) {
      const a = randomKey();
      const b = randomKey();
      const [start, end] = compareBytes(a, b) <= 0 ? [a, b] : [b, a];
      const reverse = random.int(2) === 1;
      const limit = random.int(50);
      let range = expected.filter(
        (k) =>
          compareBytes(Buffer.from(k, 'hex'), start) >= 0 && compareBytes(Buffer.from(k, 'hex'), end) < 0,
      );
      if (reverse) range = range.reverse();
      expect(scanned({ start, end, reverse, limit })).toEqual(range.slice(0, limit));
    }
    // And the same order after recovery rebuilds the index from the disk.
    store.close();
    const reopened = new MemoryStore({ disk: store.disk });
    expect([...reopened.scan()].map(([k]) => hex(k))).toEqual(expected);
    reopened.write([{ type: 'put', key: bytes(0x00), value: bytes() }]);
    expect([...reopened.scan({ limit: 1 })].map(([k]) => hex(k))).toEqual(['00']);
  });
});
