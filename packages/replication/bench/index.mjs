// Replication benchmark. Every figure is measured next to its baseline in the same run:
//  1. NodeSelector load spread: 100,000 blocks × 3 copies on 1,000 equal nodes in 10 regions, power of two
//     choices vs one uniform choice among eligible nodes (max/mean load, coefficient of variation),
//     with fresh load figures and with load figures refreshed only every 1,000 placements (stale,
//     as gossiped figures are); plus selections per second.
//  2. ReplicationScheduler throughput: 100,000 under-replicated blocks (each held only by this node,
//     target 3) planned and dispatched to completion by the scheduler (incremental: heap + dirty set)
//     vs a naive scheduler that re-reads and sorts every under-replicated block each round. Only
//     scheduler time is counted (the host's index writes are the same for both and excluded).
import { BlockIndex } from '@brightchain/block-index';
import { ManualClock, SeededRandom, newGuidV4 } from '@brightchain/core';
import { compare, figure, writeReport } from '../../../scripts/bench-report.mjs';
import {
  DEFAULT_REPLICATION_POLICY,
  NodeSelector,
  ReplicationScheduler,
  assessBlock,
  compareJobRanks,
  priorityNumber,
} from '../dist/index.js';

const NODES = 1000;
const REGIONS = 10;
const PLACEMENTS = Number(process.env.REPLICATION_BENCH_PLACEMENTS ?? 100_000);
const BLOCKS = Number(process.env.REPLICATION_BENCH_BLOCKS ?? 100_000);
const T0 = 1_700_000_000_000;
const figures = [];

const idRandom = new SeededRandom('replication-bench/ids');
const nodes = Array.from({ length: NODES }, () => newGuidV4(idRandom));
const regionOf = (i) => `region-${i % REGIONS}`;
const candidateOf = (id, i, load = 0) => ({
  nodeId: id,
  state: 'ONLINE',
  capabilities: {
    nodeType: 'storage',
    storage: true,
    quorum: false,
    specialisations: [],
    reads: true,
    writes: true,
    region: regionOf(i),
  },
  criteria: {
    reliability: 0.99,
    availableSpace: 2 ** 40,
    geographicLocation: regionOf(i),
    networkLatency: 20,
    currentLoad: load,
  },
});

// ------------------------------------------------------------------ 1. load spread

function spreadStats(loads) {
  const mean = loads.reduce((a, b) => a + b, 0) / loads.length;
  const variance = loads.reduce((a, b) => a + (b - mean) ** 2, 0) / loads.length;
  return {
    max: Math.max(...loads),
    mean,
    maxOverMean: Math.max(...loads) / mean,
    cv: Math.sqrt(variance) / mean,
  };
}

/** Places PLACEMENTS blocks × 3 copies; `refreshEvery` > 1 makes the load figures stale. */
function place(strategy, refreshEvery) {
  const loads = new Array(NODES).fill(0);
  const index = new Map(nodes.map((id, i) => [id, i]));
  const selector = new NodeSelector({
    random: new SeededRandom(`replication-bench/${strategy}/${refreshEvery}`),
    candidates: nodes.map((id, i) => candidateOf(id, i)),
    strategy,
  });
  for (let b = 0; b < PLACEMENTS; b++) {
    if (refreshEvery > 1 && b % refreshEvery === 0) {
      nodes.forEach((id, i) => {
        selector.upsert(candidateOf(id, i, loads[i]));
      });
    }
    const { targets } = selector.select({ count: 3, geographicSpread: true });
    for (const t of targets) {
      loads[index.get(t)] += 1;
      if (refreshEvery === 1) selector.addLoad(t, 1);
    }
  }
  return spreadStats(loads);
}

console.log(`placing ${PLACEMENTS} blocks × 3 copies on ${NODES} nodes…`);
for (const [label, refresh] of [
  ['fresh load', 1],
  ['load refreshed every 1000 placements', 1000],
]) {
  const two = place('two-choices', refresh);
  const one = place('uniform', refresh);
  figures.push(
    figure({
      name: `selector load spread, ${label}: max/mean load`,
      candidate: 'two-choices',
      unit: 'max/mean (lower is better)',
      value: two.maxOverMean,
      baseline: { name: 'uniform random', value: one.maxOverMean },
      notes: `mean ${two.mean.toFixed(1)} copies per node; max ${two.max} vs ${one.max}; ratio < 1 means tighter`,
    }),
    figure({
      name: `selector load spread, ${label}: coefficient of variation`,
      candidate: 'two-choices',
      unit: 'CV (lower is better)',
      value: two.cv,
      baseline: { name: 'uniform random', value: one.cv },
      notes: 'standard deviation / mean of copies per node; ratio < 1 means tighter',
    }),
  );
}

{
  const make = (strategy) =>
    new NodeSelector({
      random: new SeededRandom(strategy),
      candidates: nodes.map((id, i) => candidateOf(id, i)),
      strategy,
    });
  const two = make('two-choices');
  const one = make('uniform');
  const holders = nodes.slice(0, 3);
  figures.push(
    await compare(
      'select 3 spread targets among 1,000 nodes',
      { name: 'two-choices', fn: () => two.select({ count: 3, holders, geographicSpread: true }) },
      { name: 'uniform random', fn: () => one.select({ count: 3, holders, geographicSpread: true }) },
      { unit: 'selections/s' },
    ),
  );
}

// ------------------------------------------------------------------ 2. scheduler throughput

const MAX_TRANSFERS = 4096;
const self = newGuidV4(new SeededRandom('replication-bench/self'));
const peers = nodes.slice(0, 200);

function buildIndex() {
  const clock = new ManualClock(T0);
  const index = new BlockIndex({
    replicaId: self,
    clock,
    expectedBlocks: BLOCKS,
    expectedLocations: BLOCKS * 3,
  });
  const blockRandom = new SeededRandom('replication-bench/blocks');
  for (let start = 0; start < BLOCKS; start += 10_000) {
    const updates = [];
    for (let b = start; b < Math.min(BLOCKS, start + 10_000); b++) {
      updates.push({ kind: 'stored', blockId: blockRandom.bytes(64), holder: self, region: 'region-0' });
    }
    index.record(updates);
  }
  return { index, clock };
}

const candidates = [candidateOf(self, 0), ...peers.map((id, i) => candidateOf(id, i + 1))];
const regionOfPeer = new Map(candidates.map((c) => [c.nodeId, c.criteria.geographicLocation]));

/** The host side, identical for both: record every target as stored (batched). Not timed. */
function recordStored(index, started) {
  const updates = [];
  for (const job of started)
    for (const t of job.targets)
      updates.push({ kind: 'stored', blockId: job.blockHex, holder: t, region: regionOfPeer.get(t) });
  index.record(updates);
}

function runScheduler() {
  const { index } = buildIndex();
  const scheduler = new ReplicationScheduler({
    nodeId: self,
    index,
    random: new SeededRandom('replication-bench/scheduler'),
    now: T0,
    candidates,
    limits: { maxConcurrentTransfers: MAX_TRANSFERS, maxTransfersPerTarget: MAX_TRANSFERS },
  });
  let planned = 0;
  let schedulerMs = 0;
  let firstRoundMs = 0;
  let now = T0;
  for (let round = 0; ; round++) {
    let t = performance.now();
    scheduler.tick(now);
    const events = scheduler.ready().events;
    scheduler.advance();
    const started = events
      .filter((e) => e.type === 'jobStarted')
      .map((e) => ({ jobId: e.job.jobId, blockHex: e.job.blockHex, targets: e.job.targetNodes }));
    schedulerMs += performance.now() - t;
    if (round === 0) firstRoundMs = schedulerMs;
    if (started.length === 0) break;
    planned += started.length;
    recordStored(index, started);
    t = performance.now();
    for (const job of started)
      for (const target of job.targets) scheduler.reportCopyStored(job.jobId, target);
    schedulerMs += performance.now() - t;
    now += 1;
  }
  return { planned, schedulerMs, firstRoundMs };
}

/** The naive baseline: every round, read and assess every under-replicated block, sort them all, start the top. */
function runNaive() {
  const { index } = buildIndex();
  const selector = new NodeSelector({ random: new SeededRandom('replication-bench/naive'), candidates });
  const policy = DEFAULT_REPLICATION_POLICY;
  let planned = 0;
  let schedulerMs = 0;
  let firstRoundMs = 0;
  for (let round = 0; ; round++) {
    const t = performance.now();
    const work = [];
    for (const health of index.underReplicated()) {
      const holders = index.holdersOf(health.blockId);
      const a = assessBlock({
        blockHex: health.blockId,
        health,
        holders,
        policy,
        now: T0,
        isSuspected: () => false,
        graceUntil: () => undefined,
        eligibleNonHolders: () => 0,
        urgentSkipsDelay: true,
      });
      if (a.repairer !== self || a.deficit === 0) continue;
      work.push({
        a,
        rank: {
          priority: priorityNumber(policy.priorityLevels, a.level),
          remainingCopies: a.remainingCopies,
          importance: health.metadata.priority,
          heat: 0,
          blockHex: health.blockId,
        },
      });
    }
    work.sort((x, y) => compareJobRanks(x.rank, y.rank));
    const started = [];
    let transfers = 0;
    for (const { a, rank } of work) {
      if (transfers >= MAX_TRANSFERS) break;
      const count = Math.min(a.deficit, MAX_TRANSFERS - transfers);
      const { targets } = selector.select({
        count,
        holders: a.storedHolders,
        coveredRegions: a.regions,
        geographicSpread: true,
        exclude: (id) => id === self,
      });
      if (targets.length === 0) continue;
      transfers += targets.length;
      started.push({ blockHex: rank.blockHex, targets });
    }
    schedulerMs += performance.now() - t;
    if (round === 0) firstRoundMs = schedulerMs;
    if (started.length === 0) break;
    planned += started.length;
    recordStored(index, started);
  }
  return { planned, schedulerMs, firstRoundMs };
}

console.log(`scheduling ${BLOCKS} under-replicated blocks (incremental scheduler)…`);
const incremental = runScheduler();
console.log(`scheduling ${BLOCKS} under-replicated blocks (naive sort-everything baseline)…`);
const naive = runNaive();
if (incremental.planned !== BLOCKS || naive.planned !== BLOCKS) {
  throw new Error(`expected ${BLOCKS} jobs each, got ${incremental.planned} and ${naive.planned}`);
}
figures.push(
  figure({
    name: `scheduler: plan and dispatch ${BLOCKS} under-replicated blocks to completion`,
    candidate: 'ReplicationScheduler (heap + dirty set)',
    unit: 'jobs/s',
    value: (incremental.planned / incremental.schedulerMs) * 1000,
    baseline: {
      name: 'naive: re-read and sort every under-replicated block each round',
      value: (naive.planned / naive.schedulerMs) * 1000,
    },
    notes: `${MAX_TRANSFERS} transfers in flight per round; scheduler time only (host index writes excluded): ${incremental.schedulerMs.toFixed(0)} ms vs ${naive.schedulerMs.toFixed(0)} ms`,
  }),
  figure({
    name: `scheduler: first plan over ${BLOCKS} under-replicated blocks (assess all, start the first ${MAX_TRANSFERS / 2} jobs)`,
    candidate: 'ReplicationScheduler (heap + dirty set)',
    unit: 'ms',
    value: incremental.firstRoundMs,
    baseline: { name: 'naive: assess all and sort', value: naive.firstRoundMs },
  }),
);

writeReport('replication', figures);
