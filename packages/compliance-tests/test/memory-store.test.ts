import { type StoreLimits, MemoryDisk, MemoryStore } from '@brightchain/core';
import {
  MINIMUM_STORE_LIMITS,
  describeStoreCompliance,
  type StoreHarness,
} from '@brightchain/compliance-tests';

function memoryHarness(limits?: Partial<StoreLimits>): StoreHarness {
  const open = (disk: MemoryDisk) => new MemoryStore(limits === undefined ? { disk } : { disk, limits });
  return {
    open: () => open(new MemoryDisk()),
    reopen: (store) => {
      store.close();
      return open((store as MemoryStore).disk);
    },
    crash: (store) => {
      const disk = (store as MemoryStore).disk;
      disk.crash();
      return open(disk);
    },
  };
}

describeStoreCompliance('MemoryStore', () => memoryHarness());

describeStoreCompliance('MemoryStore (the smallest limits the suite allows)', () =>
  memoryHarness(MINIMUM_STORE_LIMITS),
);

describeStoreCompliance('MemoryStore (torn writes on crash)', () => ({
  ...memoryHarness(),
  crash: (store) => {
    const disk = (store as MemoryStore).disk;
    disk.crash({ tornBytes: 11 });
    return new MemoryStore({ disk });
  },
  modelRuns: 50,
}));
