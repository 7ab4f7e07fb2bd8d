import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrightChainError, SeededRandom } from '@brightchain/core';
import { LmdbStore } from '@brightchain/storage-lmdb';

const enc = new TextEncoder();
const dec = new TextDecoder();
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bc-lmdb-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('LmdbStore specifics', () => {
  it('keeps data and log lengths across close and reopen', () => {
    const store = new LmdbStore({ path: dir });
    store.write([{ type: 'put', key: enc.encode('a'), value: enc.encode('1') }]);
    expect(store.append('log', enc.encode('x'))).toBe(0);
    expect(store.append('log', enc.encode('y'))).toBe(1);
    expect(store.append('log\u0001', enc.encode('other'))).toBe(0);
    store.close();
    const reopened = new LmdbStore({ path: dir });
    expect(dec.decode(reopened.get(enc.encode('a')))).toBe('1');
    expect(reopened.logLength('log')).toBe(2);
    expect(reopened.logLength('log\u0001')).toBe(1);
    expect(reopened.logLength('lo')).toBe(0);
    expect([...reopened.readLog('log', 1)].map((e) => [e.sequence, dec.decode(e.record)])).toEqual([
      [1, 'y'],
    ]);
    expect(reopened.append('log', enc.encode('z'))).toBe(2);
    reopened.close();
  });

  it('rejects keys over 511 bytes, NUL in log names, and limits LMDB cannot honour', () => {
    const store = new LmdbStore({ path: dir });
    expect(() => store.get(new Uint8Array(512))).toThrow(
      expect.objectContaining({ code: 'BC_STORE_INVALID' }),
    );
    expect(() => store.append('a\u0000b', new Uint8Array(1))).toThrow(
      expect.objectContaining({ code: 'BC_STORE_INVALID' }),
    );
    store.close();
    expect(() => new LmdbStore({ path: join(dir, 'x'), limits: { maxKeyBytes: 4096 } })).toThrow(
      expect.objectContaining({ code: 'BC_STORE_INVALID' }),
    );
  });

  it('returns nothing for an empty exclusive end, forwards and in reverse', () => {
    const store = new LmdbStore({ path: dir });
    store.write([{ type: 'put', key: Uint8Array.of(0), value: new Uint8Array(0) }]);
    expect([...store.scan({ end: new Uint8Array(0) })]).toEqual([]);
    expect([...store.scan({ end: new Uint8Array(0), reverse: true })]).toEqual([]);
    expect([...store.scan({ start: new Uint8Array(0) })].length).toBe(1);
    store.close();
  });

  it('reports an unopenable path as BC_LMDB_OPEN_FAILED', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a directory');
    let error: unknown;
    try {
      new LmdbStore({ path: join(file, 'store') });
    } catch (e) {
      error = e;
    }
    expect(BrightChainError.isInstance(error, 'BC_LMDB_OPEN_FAILED')).toBe(true);
  });

  it('survives SIGKILL at 50 random moments with every acknowledged record intact', async () => {
    const random = new SeededRandom('lmdb-crash');
    const fixture = join(__dirname, 'fixtures', 'crash-writer.mjs');
    let next = 0;
    let acknowledged = -1;
    for (let round = 0; round < 50; round++) {
      const child = spawn(process.execPath, [fixture, dir, String(next)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let buffer = '';
      const killAfter = 5 + random.int(60);
      await new Promise<void>((resolve, reject) => {
        let timer: NodeJS.Timeout | undefined;
        const guard = setTimeout(() => reject(new Error('crash writer did not start')), 15000);
        child.stdout.on('data', (chunk: Buffer) => {
          buffer += chunk.toString();
          const lines = buffer.split('\n');
          buffer = lines.pop() ?? '';
          for (const line of lines) {
            if (line === 'ready' && timer === undefined)
              timer = setTimeout(() => child.kill('SIGKILL'), killAfter);
            const m = /^ack (\d+) (\d+)$/.exec(line);
            if (m) acknowledged = Math.max(acknowledged, Number(m[1]));
          }
        });
        child.on('exit', () => {
          clearTimeout(guard);
          resolve();
        });
        child.on('error', reject);
      });
      const store = new LmdbStore({ path: dir });
      for (let i = 0; i <= acknowledged; i++) {
        const value = store.get(enc.encode(`block/${String(i).padStart(8, '0')}`));
        if (value === undefined || dec.decode(value) !== `holder-of-${i}`)
          throw new Error(`lost block ${i} in round ${round}`);
      }
      const votes = [...store.readLog('votes')].map((e) => dec.decode(e.record));
      expect(votes.length).toBeGreaterThanOrEqual(acknowledged + 1);
      expect(votes.slice(0, acknowledged + 1)).toEqual(
        Array.from({ length: acknowledged + 1 }, (_, i) => `vote-${i}`),
      );
      // A write that committed but was not yet acknowledged may be present: continue after it.
      next = store.logLength('votes');
      store.close();
    }
    expect(acknowledged).toBeGreaterThan(50);
  }, 120000);
});
