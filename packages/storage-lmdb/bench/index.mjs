// Benchmarks LmdbStore against core's MemoryStore in the same run: durable single-op writes, log
// appends and point reads. Run with `npm run bench storage-lmdb` (after a build).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore } from '@brightchain/core';
import { compare, writeReport } from '../../../scripts/bench-report.mjs';
import { LmdbStore } from '../dist/index.js';

const dir = mkdtempSync(join(tmpdir(), 'bc-lmdb-bench-'));
const lmdb = new LmdbStore({ path: dir });
const memory = new MemoryStore();
const key = (i) => {
  const k = new Uint8Array(16);
  new DataView(k.buffer).setUint32(12, i);
  return k;
};
const value = new Uint8Array(128).fill(7);
let wi = 0;
let mi = 0;
const figures = [];
figures.push(
  await compare(
    'durable write (1 put + flush)',
    {
      name: 'LmdbStore',
      fn: () => {
        lmdb.write([{ type: 'put', key: key(wi++), value }]);
        lmdb.flush();
      },
    },
    {
      name: 'MemoryStore',
      fn: () => {
        memory.write([{ type: 'put', key: key(mi++), value }]);
        memory.flush();
      },
    },
  ),
);
figures.push(
  await compare(
    'durable log append (append + flush)',
    {
      name: 'LmdbStore',
      fn: () => {
        lmdb.append('votes', value);
        lmdb.flush();
      },
    },
    {
      name: 'MemoryStore',
      fn: () => {
        memory.append('votes', value);
        memory.flush();
      },
    },
  ),
);
const n = Math.min(wi, mi);
let ri = 0;
figures.push(
  await compare(
    'point read (get)',
    { name: 'LmdbStore', fn: () => lmdb.get(key(ri++ % n)) },
    { name: 'MemoryStore', fn: () => memory.get(key(ri++ % n)) },
  ),
);
figures.push(
  await compare(
    'batch write (100 puts, one transaction)',
    {
      name: 'LmdbStore',
      fn: () =>
        lmdb.write(Array.from({ length: 100 }, (_, j) => ({ type: 'put', key: key(1e6 + j), value }))),
    },
    {
      name: 'MemoryStore',
      fn: () =>
        memory.write(Array.from({ length: 100 }, (_, j) => ({ type: 'put', key: key(1e6 + j), value }))),
    },
  ),
);
lmdb.close();
rmSync(dir, { recursive: true, force: true });
writeReport('storage-lmdb', figures);
