/** LmdbStore passes the core Store compliance suite unchanged (crash = process death, tested separately with SIGKILL). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeStoreCompliance } from '@brightchain/compliance-tests';
import { LmdbStore } from '@brightchain/storage-lmdb';

const paths = new WeakMap<object, string>();
const dirs: string[] = [];

function openAt(path: string): LmdbStore {
  const store = new LmdbStore({ path, mapSize: 256 * 1024 * 1024 });
  paths.set(store, path);
  return store;
}

describeStoreCompliance('LmdbStore', () => ({
  open: () => {
    const dir = mkdtempSync(join(tmpdir(), 'bc-lmdb-compliance-'));
    dirs.push(dir);
    return openAt(dir);
  },
  reopen: (store) => {
    const path = paths.get(store) as string;
    store.close();
    return openAt(path);
  },
  teardown: () => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  },
  modelRuns: 25,
}));
