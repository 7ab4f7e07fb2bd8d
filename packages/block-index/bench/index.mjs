// Block index benchmark: 1,000,000 blocks × 3 holders in memory, against a plain
// Map<blockHex, Set<holderId>> baseline built from the same data in the same run.
// Run with --expose-gc (npm run bench does): heap figures are heapUsed + external after a full GC.
import { createHash } from 'node:crypto';
import { ManualClock, SeededRandom, newGuidV4 } from '@brightchain/core';
import { compare, figure, timeIt, writeReport } from '../../../scripts/bench-report.mjs';
import { BlockIndex, IndexSyncSession, decodeSyncMessage, encodeSyncMessage } from '../dist/index.js';

const BLOCKS = Number(process.env.BLOCK_INDEX_BENCH_BLOCKS ?? 1_000_000);
const HOLDERS_PER_BLOCK = 3;
const NODES = 1000;
const REGIONS = ['eu-west', 'eu-north', 'us-east', 'us-west', 'ap-south'];
const T0 = 1_700_000_000_000;

if (typeof globalThis.gc !== 'function') {
  console.error('run with node --expose-gc');
  process.exit(1);
}

function memory() {
  for (let i = 0; i < 4; i++) globalThis.gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

const random = new SeededRandom('block-index-bench');
const nodes = Array.from({ length: NODES }, () => newGuidV4(random));
const nodeRegion = nodes.map((_, i) => REGIONS[i % REGIONS.length]);
const replicaId = newGuidV4(random);

/** Block `i`'s id: SHA3-512 of its number (what a real block id is: a checksum). */
function blockBytes(i) {
  const digest = createHash('sha3-512').update(`bench-block-${i}`).digest();
  return new Uint8Array(digest.buffer, digest.byteOffset, 64);
}

/** Three distinct holders of block `i`, deterministic. */
function holdersOf(i) {
  const a = (i * 7919) % NODES;
  const b = (a + 1 + ((i * 31) % (NODES - 1))) % NODES;
  let c = (b + 1 + ((i * 17) % (NODES - 2))) % NODES;
  if (c === a) c = (c + 1) % NODES;
  return [a, b, c];
}

console.log(`building ${BLOCKS} block ids…`);
const ids = Array.from({ length: BLOCKS }, (_, i) => blockBytes(i));
const figures = [];

// ------------------------------------------------------------------ memory: baseline
// Both structures get the same input (the ids as bytes) and own what they keep: the baseline its hex
// key strings, the index its pooled id bytes.
let base = memory();
let t = performance.now();
let baseline = new Map();
for (let i = 0; i < BLOCKS; i++) {
  const set = new Set();
  for (const h of holdersOf(i)) set.add(nodes[h]);
  baseline.set(Buffer.from(ids[i].buffer, ids[i].byteOffset, 64).toString('hex'), set);
}
const baselineBuildMs = performance.now() - t;
const baselineBytes = memory() - base;
const hexIds = [...baseline.keys()];

// ------------------------------------------------------------------ memory: index
base = memory();
t = performance.now();
const clock = new ManualClock(T0);
let index = new BlockIndex({
  replicaId,
  clock,
  expectedBlocks: BLOCKS,
  expectedLocations: BLOCKS * HOLDERS_PER_BLOCK,
});
const BATCH = 3000;
for (let start = 0; start < BLOCKS; start += BATCH / HOLDERS_PER_BLOCK) {
  const updates = [];
  for (let i = start; i < Math.min(BLOCKS, start + BATCH / HOLDERS_PER_BLOCK); i++) {
    for (const h of holdersOf(i))
      updates.push({ kind: 'stored', blockId: ids[i], holder: nodes[h], region: nodeRegion[h] });
  }
  index.record(updates);
}
const indexBuildMs = performance.now() - t;
t = performance.now();
index.digest();
const firstDigestMs = performance.now() - t;
const indexBytes = memory() - base;
const locations = BLOCKS * HOLDERS_PER_BLOCK;
console.log(
  `built: baseline ${baselineBuildMs.toFixed(0)} ms, index ${indexBuildMs.toFixed(0)} ms, first digest ${firstDigestMs.toFixed(0)} ms`,
);

figures.push(
  figure({
    name: `memory per location (${BLOCKS} blocks × ${HOLDERS_PER_BLOCK} holders)`,
    unit: 'bytes',
    value: indexBytes / locations,
    baseline: { name: 'Map<hex, Set<guid>>', value: baselineBytes / locations },
    candidate: 'BlockIndex (typed-array columns, digest tree built)',
    notes:
      'heapUsed + external after gc, capacity pre-sized; the index also keeps since, lastVerified, version, region, holder→blocks, copy counts, work-list buckets and the Merkle digest; the baseline keeps only block→holder ids',
  }),
  figure({
    name: 'build: locations recorded per second',
    unit: 'ops/s',
    value: locations / (indexBuildMs / 1000),
    baseline: { name: 'Map<hex, Set<guid>> inserts', value: locations / (baselineBuildMs / 1000) },
    candidate: 'BlockIndex.record (batches of 3000, validated, versioned)',
  }),
);

// ------------------------------------------------------------------ queries
// 3 of 1000 nodes go down: ~9,000 blocks lose a copy and become under-replicated.
const down = [nodes[1], nodes[500], nodes[999]];
for (const node of down) index.setHolderState(node, 'UNAVAILABLE');
const downSet = new Set(down);

/** compare(), after running each side once so that a broken benchmark fails loudly instead of reporting NaN. */
async function checkedCompare(name, candidate, baselineTask, options) {
  candidate.fn();
  baselineTask.fn();
  return compare(name, candidate, baselineTask, options);
}

let q = 0;
const next = () => {
  q = (q + 7_654_321) % BLOCKS;
  return q;
};

figures.push(
  await checkedCompare(
    'copy count of one block (queries/s)',
    { name: 'BlockIndex.copyCount(bytes)', fn: () => index.copyCount(ids[next()]) },
    {
      name: 'Map.get(hex) + filter down holders',
      fn: () => {
        let n = 0;
        for (const h of baseline.get(hexIds[next()])) if (!downSet.has(h)) n++;
        return n;
      },
    },
  ),
  await checkedCompare(
    'holders of one block (queries/s)',
    {
      name: 'BlockIndex.holdersOf(bytes) (with region, times, state)',
      fn: () => index.holdersOf(ids[next()]),
    },
    { name: '[...Map.get(hex)]', fn: () => [...baseline.get(hexIds[next()])] },
  ),
  await checkedCompare(
    '100 most urgent under-replicated blocks (queries/s)',
    { name: 'BlockIndex.underReplicated({ limit: 100 })', fn: () => index.underReplicated({ limit: 100 }) },
    {
      name: 'scan Map, count live holders, sort by deficit',
      fn: () => {
        const out = [];
        for (const [id, set] of baseline) {
          let n = 0;
          for (const h of set) if (!downSet.has(h)) n++;
          if (n < 3) out.push([id, 3 - n]);
        }
        out.sort((a, b) => b[1] - a[1]);
        return out.slice(0, 100);
      },
    },
    { time: 2000 },
  ),
  await checkedCompare(
    'blocks held by one node (queries/s)',
    { name: 'BlockIndex.blocksHeldBy(node)', fn: () => index.blocksHeldBy(nodes[next() % NODES]) },
    {
      name: 'scan Map for the node',
      fn: () => {
        const node = nodes[next() % NODES];
        const out = [];
        for (const [id, set] of baseline) if (set.has(node)) out.push(id);
        return out;
      },
    },
    { time: 2000 },
  ),
  await checkedCompare(
    'prefix search, 5 hex digits (queries/s)',
    { name: 'BlockIndex.findByPrefix', fn: () => index.findByPrefix(hexIds[next()].slice(0, 5)) },
    {
      name: 'scan Map keys with startsWith',
      fn: () => {
        const prefix = hexIds[next()].slice(0, 5);
        const out = [];
        for (const id of baseline.keys()) if (id.startsWith(prefix)) out.push(id);
        return out.sort();
      },
    },
    { time: 2000 },
  ),
);

// ------------------------------------------------------------------ digest: incremental vs from scratch
const incremental = await timeIt(
  () => {
    clock.advance(1);
    for (let k = 0; k < 100; k++) {
      const i = next();
      index.recordVerified(ids[i], nodes[holdersOf(i)[0]]);
    }
    index.digest();
  },
  { iterations: 10 },
);
figures.push(
  figure({
    name: 'digest after 100 updates (ms)',
    unit: 'ms',
    value: incremental.meanMs,
    baseline: { name: 'first digest of the whole index (every leaf dirty)', value: firstDigestMs },
    candidate: '100 recordVerified + digest() (dirty leaves and their ancestors only)',
  }),
);

// ------------------------------------------------------------------ the index is released before the sync runs
index = undefined;
baseline = undefined;
memory();

// ------------------------------------------------------------------ anti-entropy: two 100k-block replicas, 100 differences
const SYNC_BLOCKS = Math.min(BLOCKS, 100_000);
const left = new BlockIndex({ replicaId, clock });
const right = new BlockIndex({ replicaId: nodes[0], clock });
for (let start = 0; start < SYNC_BLOCKS; start += 1000) {
  const updates = [];
  for (let i = start; i < start + 1000; i++) {
    for (const h of holdersOf(i))
      updates.push({ kind: 'stored', blockId: ids[i], holder: nodes[h], region: nodeRegion[h] });
  }
  left.record(updates);
}
right.merge([...left.allEntries()]);
for (let k = 0; k < 50; k++) left.recordDropped(ids[k * 997], nodes[holdersOf(k * 997)[0]]);
for (let k = 0; k < 50; k++)
  right.recordStored(ids[k * 991 + 1], nodes[(holdersOf(k * 991 + 1)[2] + 1) % NODES], 'eu-west');

// Both replicas have their digest trees up to date before the session (as a running node does).
left.digest();
right.digest();
let entriesSent = 0;
let bytesSent = 0;
let messages = 0;
t = performance.now();
const a = new IndexSyncSession(left);
const b = new IndexSyncSession(right);
const wire = (message) => {
  const bytes = encodeSyncMessage(message);
  bytesSent += bytes.length;
  messages++;
  entriesSent += message.entries.length + message.leaves.reduce((sum, leaf) => sum + leaf.entries.length, 0);
  return decodeSyncMessage(bytes);
};
let toB = wire(a.start());
while (toB) {
  const toA = b.receive(toB);
  toB = toA ? a.receive(wire(toA)) : undefined;
  if (toB) toB = wire(toB);
}
const syncMs = performance.now() - t;
const inSync = Buffer.from(left.digest()).equals(right.digest());
const totalEntries = SYNC_BLOCKS * HOLDERS_PER_BLOCK + 50;
const allLeft = [...left.allEntries()];
let fullBytes = 0;
for (let start = 0; start < allLeft.length; start += 4096) {
  const entries = allLeft.slice(start, start + 4096);
  fullBytes += encodeSyncMessage({ hashes: [], leaves: [], pull: [], entries, more: false }).length;
}
figures.push(
  figure({
    name: `anti-entropy: bytes sent to repair 100 differences between two ${SYNC_BLOCKS}-block replicas`,
    unit: 'bytes',
    value: bytesSent,
    baseline: { name: 'full state transfer (every entry, same codec)', value: fullBytes },
    candidate: 'IndexSyncSession (Merkle drill-down, complement exchange)',
    notes: `${entriesSent} of ${totalEntries} entries sent in ${messages} messages, ${syncMs.toFixed(0)} ms, converged: ${inSync}`,
  }),
);

writeReport('block-index', figures);
if (!inSync) {
  console.error('sync did not converge');
  process.exit(1);
}
