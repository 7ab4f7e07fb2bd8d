import { HolderState } from '@brightchain/block-index';
import { type GuidV4, SeededRandom } from '@brightchain/core';
import { NodeState, type ShutdownRequest } from '@brightchain/node-state';
import {
  DEFAULT_REPLICATION_POLICY,
  EVERY_ELIGIBLE_NODE,
  type JobRank,
  ReplicationErrorCode,
  ReplicationPolicyResolver,
  ReplicationScheduler,
  type ScheduledReplicationJob,
  blockMetadataFor,
  compareJobRanks,
} from '@brightchain/replication';
import {
  T0,
  blockHex,
  blockId,
  candidate,
  drainEvents,
  expectCode,
  makeIndex,
  nodeIds,
  observe,
  ofType,
} from './fixtures';
import { makeWorld } from './scheduler-world';

/** Records a stored copy in the index and reports it. */
function store(world: ReturnType<typeof makeWorld>, job: ScheduledReplicationJob, target: GuidV4): void {
  world.index.recordStored(job.blockHex, target, world.regionOf(target));
  world.scheduler.reportCopyStored(job.jobId, target);
}

describe('ordering', () => {
  test('the first jobs started are exactly the most urgent ones (order statistic)', () => {
    const policy = { ...DEFAULT_REPLICATION_POLICY, minimumCopies: 2, targetCopies: 6, maximumCopies: 8 };
    const world = makeWorld({
      nodes: 30,
      regions: 5,
      scheduler: {
        policies: policy,
        limits: { maxConcurrentTransfers: 40, maxTargetsPerJob: 1, maxTransfersPerTarget: 40 },
      },
    });
    const random = new SeededRandom('ordering');
    for (let b = 0; b < 300; b++) {
      const { hex } = world.placeRepairable(b, random.int(5));
      world.index.setBlockMetadata(
        hex,
        blockMetadataFor(policy, { importance: b % 7 === 0 ? random.int(3) : 0 }),
      );
      if (b % 5 === 0) world.scheduler.recordAccess(hex, random.int(20));
    }
    world.scheduler.tick(T0);
    const events = drainEvents(world.scheduler);
    const queued = ofType(events, 'jobQueued').map((e) => e.job);
    const started = ofType(events, 'jobStarted').map((e) => e.job);
    expect(queued).toHaveLength(300);
    expect(started).toHaveLength(40);
    const rank = (job: ScheduledReplicationJob): JobRank => ({
      priority: job.priority,
      remainingCopies: job.remainingCopies,
      importance: world.index.metadataOf(job.blockHex).priority,
      heat: world.scheduler.heatOf(job.blockHex),
      blockHex: job.blockHex,
    });
    const startedIds = new Set(started.map((j) => j.blockHex));
    const expected = [...queued].sort((a, b) => compareJobRanks(rank(a), rank(b))).slice(0, 40);
    expect(new Set(expected.map((j) => j.blockHex))).toEqual(startedIds);
    // Fewest copies first: no waiting job has fewer remaining copies than a started one of its level.
    const waiting = queued.filter((j) => !startedIds.has(j.blockHex));
    const maxStarted = Math.max(...started.map((j) => j.remainingCopies));
    expect(Math.min(...waiting.map((j) => j.remainingCopies))).toBeGreaterThanOrEqual(
      started.every((j) => j.priority === started[0]!.priority) ? maxStarted : 0,
    );
    expect(started.map((j) => j.level)).toContain('CRITICAL');
  });
});

describe('failures', () => {
  const setup = (overrides = {}) => {
    const world = makeWorld({
      nodes: 6,
      scheduler: {
        policies: { ...DEFAULT_REPLICATION_POLICY, minimumCopies: 1, targetCopies: 2 },
        ...overrides,
      },
    });
    world.place(1, [world.self]);
    world.scheduler.tick(T0);
    const [job] = ofType(drainEvents(world.scheduler), 'jobStarted').map((e) => e.job);
    return { world, job: job! };
  };

  test('a failed target is retried after backoff with jitter, on another node', () => {
    const { world, job } = setup();
    expect(job.targetNodes).toHaveLength(1);
    const first = job.targetNodes[0]!;
    world.scheduler.reportCopyFailed(job.jobId, first, 'refused');
    const [failed] = ofType(drainEvents(world.scheduler), 'jobFailed');
    expect(failed!.final).toBe(false);
    expect(failed!.failedTargets).toEqual([{ node: first, reason: 'refused' }]);
    expect(failed!.job.status).toBe('FAILED');
    expect(failed!.retryAt).toBeGreaterThanOrEqual(T0 + 500);
    expect(failed!.retryAt).toBeLessThanOrEqual(T0 + 1000);
    expect(world.scheduler.stats).toMatchObject({ active: 0, transfersInFlight: 0, jobsFailed: 1 });
    world.scheduler.tick(T0);
    expect(world.scheduler.nextDeadline()).toBe(failed!.retryAt);
    world.clock.set(failed!.retryAt - 1);
    world.scheduler.tick(world.clock.now());
    expect(ofType(drainEvents(world.scheduler), 'jobStarted')).toHaveLength(0);
    world.clock.set(failed!.retryAt);
    world.scheduler.tick(world.clock.now());
    const [retry] = ofType(drainEvents(world.scheduler), 'jobStarted');
    expect(retry!.job.attempt).toBe(2);
    expect(retry!.job.targetNodes).not.toContain(first);
    store(world, retry!.job, retry!.job.targetNodes[0]!);
    const [done] = ofType(drainEvents(world.scheduler), 'jobCompleted');
    expect(done!.job.status).toBe('COMPLETED');
  });

  test('backoff doubles, then the block is parked after maxAttempts', () => {
    const { world, job } = setup({
      backoff: { maxAttempts: 3, jitter: 0 },
      parkMs: 50_000,
      failedTargetExclusionMs: 0,
    });
    let current = job;
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect(current.attempt).toBe(attempt);
      world.scheduler.reportCopyFailed(current.jobId, current.targetNodes[0]!, 'refused');
      const [failed] = ofType(drainEvents(world.scheduler), 'jobFailed');
      delays.push(failed!.retryAt - world.clock.now());
      expect(failed!.final).toBe(attempt === 3);
      world.clock.set(failed!.retryAt);
      world.scheduler.tick(world.clock.now());
      current = ofType(drainEvents(world.scheduler), 'jobStarted')[0]!.job;
    }
    expect(delays).toEqual([1000, 2000, 50_000]);
    expect(current.attempt).toBe(1);
  });

  test('a job past its deadline fails its pending targets', () => {
    const { world, job } = setup({ jobTimeoutMs: 5000 });
    expect(job.deadline.getTime()).toBe(T0 + 5000);
    world.advance(4999);
    expect(ofType(drainEvents(world.scheduler), 'jobFailed')).toHaveLength(0);
    world.advance(1);
    const [failed] = ofType(drainEvents(world.scheduler), 'jobFailed');
    expect(failed!.failedTargets[0]!.reason).toBe('deadline passed');
    expect(world.scheduler.stats.transfersInFlight).toBe(0);
  });

  test('a late report after the deadline is rejected', () => {
    const { world, job } = setup({ jobTimeoutMs: 5000 });
    world.advance(5000);
    drainEvents(world.scheduler);
    expectCode(
      () => world.scheduler.reportCopyStored(job.jobId, job.targetNodes[0]!),
      ReplicationErrorCode.REPORT_INVALID,
    );
  });

  test('no eligible target: the block waits (no busy loop) and is retried when a node appears', () => {
    const world = makeWorld({
      nodes: 3,
      scheduler: { policies: { ...DEFAULT_REPLICATION_POLICY, minimumCopies: 1, targetCopies: 3 } },
      candidate: (id, i, region) => candidate(id, { region, caps: i === 2 ? { writes: false } : {} }),
    });
    world.placeRepairable(1, 1, world.ids.slice(1, 2));
    world.scheduler.tick(T0);
    const events = drainEvents(world.scheduler);
    expect(ofType(events, 'jobQueued')).toHaveLength(1);
    expect(ofType(events, 'jobStarted')).toHaveLength(0);
    expect(world.scheduler.stats.waiting).toBe(1);
    expect(world.scheduler.nextDeadline()).toBeGreaterThan(T0);
    const newcomer = nodeIds(1, 'newcomer')[0]!;
    world.scheduler.updateNode(candidate(newcomer, { region: 'r2' }));
    expect(world.scheduler.nextDeadline()).toBe(T0);
    world.scheduler.tick(T0);
    const [started] = ofType(drainEvents(world.scheduler), 'jobStarted');
    expect(started!.job.targetNodes).toEqual([newcomer]);
  });
});

describe('limits', () => {
  test('global, per-target and bytes-in-flight limits hold; finishing frees capacity', () => {
    const world = makeWorld({
      nodes: 8,
      scheduler: {
        policies: { ...DEFAULT_REPLICATION_POLICY, minimumCopies: 1, targetCopies: 3 },
        limits: {
          maxConcurrentTransfers: 10,
          maxTransfersPerTarget: 2,
          maxTargetsPerJob: 2,
          maxBytesInFlight: 10_000,
        },
      },
    });
    for (let b = 0; b < 40; b++) {
      world.place(b, [world.self]);
      world.index.setBlockMetadata(blockHex(b), { sizeBytes: 1500 });
    }
    world.scheduler.tick(T0);
    const started = ofType(drainEvents(world.scheduler), 'jobStarted').map((e) => e.job);
    const transfers = started.flatMap((j) => j.targetNodes);
    expect(transfers.length).toBeLessThanOrEqual(10);
    expect(transfers.length * 1500).toBeLessThanOrEqual(10_000);
    expect(transfers.length).toBe(6);
    const perTarget = new Map<string, number>();
    for (const t of transfers) perTarget.set(t, (perTarget.get(t) ?? 0) + 1);
    expect(Math.max(...perTarget.values())).toBeLessThanOrEqual(2);
    expect(world.scheduler.stats).toMatchObject({ transfersInFlight: 6, bytesInFlight: 9000 });
    store(world, started[0]!, started[0]!.targetNodes[0]!);
    expect(world.scheduler.nextDeadline()).toBe(T0);
    world.scheduler.tick(T0);
    expect(world.scheduler.stats.transfersInFlight).toBe(6);
  });

  test('a block blocked by per-target limits waits for capacity, and goes as soon as a transfer ends', () => {
    const world = makeWorld({
      nodes: 3,
      regions: 3,
      scheduler: {
        policies: {
          ...DEFAULT_REPLICATION_POLICY,
          minimumCopies: 1,
          targetCopies: 2,
          geographicSpread: false,
        },
        limits: { maxTransfersPerTarget: 1 },
      },
    });
    for (let b = 0; b < 3; b++) world.place(b, [world.self]);
    world.scheduler.tick(T0);
    const started = ofType(drainEvents(world.scheduler), 'jobStarted').map((e) => e.job);
    expect(started).toHaveLength(2);
    expect(world.scheduler.stats.waiting).toBe(1);
    expect(world.scheduler.nextDeadline()).toBeGreaterThan(T0);
    store(world, started[0]!, started[0]!.targetNodes[0]!);
    expect(world.scheduler.nextDeadline()).toBe(T0);
    world.scheduler.tick(T0);
    const next = ofType(drainEvents(world.scheduler), 'jobStarted').map((e) => e.job);
    expect(next).toHaveLength(1);
    expect(next[0]!.targetNodes).toEqual(started[0]!.targetNodes);
  });

  test('a block larger than the whole bytes budget still goes, alone', () => {
    const world = makeWorld({
      nodes: 4,
      scheduler: {
        policies: { ...DEFAULT_REPLICATION_POLICY, minimumCopies: 1, targetCopies: 2 },
        limits: { maxBytesInFlight: 100 },
      },
    });
    world.place(1, [world.self]);
    world.place(2, [world.self]);
    world.index.setBlockMetadata(blockHex(1), { sizeBytes: 1000 });
    world.index.setBlockMetadata(blockHex(2), { sizeBytes: 1000 });
    world.scheduler.tick(T0);
    expect(ofType(drainEvents(world.scheduler), 'jobStarted')).toHaveLength(1);
  });

  test('a node whose download bandwidth cannot move the block before the timeout is never a target', () => {
    const world = makeWorld({
      nodes: 3,
      scheduler: {
        policies: { ...DEFAULT_REPLICATION_POLICY, minimumCopies: 1, targetCopies: 2 },
        jobTimeoutMs: 10_000,
      },
      candidate: (id, i, region) =>
        candidate(id, {
          region,
          caps: {
            bandwidth: { uploadBytesPerSecond: 1_000_000, downloadBytesPerSecond: i === 1 ? 100 : 1_000_000 },
          },
        }),
    });
    world.place(1, [world.self]);
    world.index.setBlockMetadata(blockHex(1), { sizeBytes: 1_000_000 });
    world.scheduler.tick(T0);
    const [started] = ofType(drainEvents(world.scheduler), 'jobStarted');
    expect(started!.job.targetNodes).toEqual([world.ids[2]]);
    // The deadline includes the minimum transfer time (1 s down at the target, 1 s up at the source).
    expect(started!.job.deadline.getTime()).toBe(T0 + 10_000 + 2_000);
  });

  test('read-only, region-restricted and shutting-down nodes never receive copies', () => {
    const world = makeWorld({
      nodes: 6,
      scheduler: {
        policies: { ...DEFAULT_REPLICATION_POLICY, minimumCopies: 1, targetCopies: 6, maximumCopies: 6 },
      },
      candidate: (id, i, region) => {
        if (i === 1) return candidate(id, { region, caps: { writes: false } });
        if (i === 2) return candidate(id, { region, caps: { allowedRegions: ['EU'] } });
        if (i === 3) return candidate(id, { region, state: NodeState.SCHEDULED_SHUTDOWN });
        return candidate(id, { region });
      },
    });
    world.place(1, [world.self]);
    world.scheduler.tick(T0);
    const [started] = ofType(drainEvents(world.scheduler), 'jobStarted');
    expect([...started!.job.targetNodes].sort()).toEqual([world.ids[4], world.ids[5]].sort());
  });

  test('a region-restricted node accepts blocks tagged with its region', () => {
    const world = makeWorld({
      nodes: 3,
      scheduler: {
        policies: { ...DEFAULT_REPLICATION_POLICY, minimumCopies: 1, targetCopies: 2 },
        blockRegionOf: () => 'EU',
      },
      candidate: (id, i, region) =>
        candidate(id, { region, caps: i === 2 ? { allowedRegions: ['EU'] } : { allowedRegions: ['US'] } }),
    });
    world.place(1, [world.self]);
    world.scheduler.tick(T0);
    expect(ofType(drainEvents(world.scheduler), 'jobStarted')[0]!.job.targetNodes).toEqual([world.ids[2]]);
  });
});

describe('trimming', () => {
  test('an over-replicated block is trimmed to its maximum, keeping one copy per region', () => {
    const world = makeWorld({ nodes: 9, regions: 3 });
    const holders = world.ids.slice(0, 7);
    world.place(1, holders);
    world.scheduler.tick(T0);
    const repairer = world.scheduler.repairerOf(blockHex(1));
    if (repairer !== world.self) {
      expect(ofType(drainEvents(world.scheduler), 'trimStarted')).toHaveLength(0);
      return;
    }
    const [started] = ofType(drainEvents(world.scheduler), 'trimStarted');
    expect(started!.trim.nodes).toHaveLength(2);
    const kept = holders.filter((h) => !started!.trim.nodes.includes(h));
    expect(new Set(kept.map(world.regionOf)).size).toBe(3);
  });

  test('trim: reports, completion, and never while a copy job of the block is in flight', () => {
    const world = makeWorld({ nodes: 9, regions: 3, seed: 'trim-flight' });
    const { hex, others } = world.placeRepairable(1, 1);
    world.scheduler.tick(T0);
    const [job] = ofType(drainEvents(world.scheduler), 'jobStarted').map((e) => e.job);
    expect(job!.targetNodes).toHaveLength(1);
    // Meanwhile other copies appear (merged from elsewhere): the block is now over its maximum.
    const extra = world.ids
      .filter((id) => id !== world.self && !others.includes(id) && !job!.targetNodes.includes(id))
      .slice(0, 4);
    world.place(hex, extra);
    world.scheduler.indexChanged([hex]);
    world.scheduler.tick(T0);
    expect(ofType(drainEvents(world.scheduler), 'trimStarted')).toHaveLength(0);
    store(world, job!, job!.targetNodes[0]!);
    world.scheduler.tick(T0);
    const events = drainEvents(world.scheduler);
    expect(ofType(events, 'jobCompleted')).toHaveLength(1);
    const repairer = world.scheduler.repairerOf(hex);
    const trims = ofType(events, 'trimStarted');
    if (repairer !== world.self) {
      expect(trims).toHaveLength(0);
      return;
    }
    expect(trims).toHaveLength(1);
    const trim = trims[0]!.trim;
    expect(trim.nodes).toHaveLength(2);
    expect(world.scheduler.stats.trimsInFlight).toBe(1);
    // A drop that the index does not show yet is rejected.
    expectCode(
      () => world.scheduler.reportDropped(trim.trimId, trim.nodes[0]!),
      ReplicationErrorCode.REPORT_INVALID,
    );
    for (const node of trim.nodes) {
      world.index.recordDropped(trim.blockHex, node);
      world.scheduler.reportDropped(trim.trimId, node);
    }
    expect(ofType(drainEvents(world.scheduler), 'trimCompleted')).toHaveLength(1);
    world.scheduler.tick(T0);
    expect(world.index.copyCount(hex)).toBe(5);
    expect(ofType(drainEvents(world.scheduler), 'trimStarted')).toHaveLength(0);
  });

  test('a failed trim parks the block', () => {
    const world = makeWorld({ nodes: 9, regions: 3, seed: 'trim-fail', scheduler: { parkMs: 10_000 } });
    world.placeRepairable(1, 6);
    world.scheduler.tick(T0);
    const [started] = ofType(drainEvents(world.scheduler), 'trimStarted');
    world.scheduler.reportDropFailed(started!.trim.trimId, started!.trim.nodes[0]!, 'busy');
    for (const node of started!.trim.nodes.slice(1)) {
      world.index.recordDropped(started!.trim.blockHex, node);
      world.scheduler.reportDropped(started!.trim.trimId, node);
    }
    const [failed] = ofType(drainEvents(world.scheduler), 'trimFailed');
    expect(failed!.reason).toBe('busy');
    world.advance(9_999);
    expect(ofType(drainEvents(world.scheduler), 'trimStarted')).toHaveLength(0);
    world.advance(1);
    expect(ofType(drainEvents(world.scheduler), 'trimStarted')).toHaveLength(1);
  });

  test('an everywhere block is copied to every eligible node and never trimmed', () => {
    const world = makeWorld({
      nodes: 7,
      scheduler: {
        policies: {
          ...DEFAULT_REPLICATION_POLICY,
          targetCopies: EVERY_ELIGIBLE_NODE,
          maximumCopies: EVERY_ELIGIBLE_NODE,
        },
        limits: { maxTargetsPerJob: 8 },
      },
      candidate: (id, i, region) => candidate(id, { region, caps: i === 6 ? { writes: false } : {} }),
    });
    world.place(1, [world.self]);
    // (After the first job the repairer may be another holder, so one job must do it all here.)
    for (let round = 0; round < 2; round++) {
      world.scheduler.tick(T0);
      for (const { job } of ofType(drainEvents(world.scheduler), 'jobStarted')) {
        for (const t of job.targetNodes) store(world, job, t);
      }
    }
    expect(world.index.copyCount(blockId(1))).toBe(6);
    expect(ofType(drainEvents(world.scheduler), 'trimStarted')).toHaveLength(0);
    expect(world.scheduler.jobs()).toHaveLength(0);
  });
});

describe('repair delay and partitions', () => {
  test('a merely OFFLINE holder is replaced after the delay; below minimum at once', () => {
    const world = makeWorld({ nodes: 8, seed: 'delay', scheduler: { repairDelayMs: 60_000 } });
    const { others } = world.placeRepairable(1, 2);
    world.scheduler.tick(T0);
    world.clock.advance(5000);
    world.scheduler.updateNode({
      ...world.candidates[world.ids.indexOf(others[0]!)]!,
      state: NodeState.OFFLINE,
    });
    expect(world.index.holderState(others[0]!)).toBe(HolderState.UNAVAILABLE);
    world.scheduler.tick(world.clock.now());
    expect(drainEvents(world.scheduler)).toEqual([]);
    expect(world.scheduler.nextDeadline()).toBeLessThanOrEqual(T0 + 5000 + 60_000);
    world.advance(59_999);
    expect(drainEvents(world.scheduler)).toEqual([]);
    world.advance(1);
    expect(ofType(drainEvents(world.scheduler), 'jobStarted')).toHaveLength(1);

    const urgent = makeWorld({ nodes: 8, seed: 'urgent', scheduler: { repairDelayMs: 60_000 } });
    const two = urgent.placeRepairable(1, 2).others;
    urgent.scheduler.tick(T0);
    for (const id of two)
      urgent.scheduler.updateNode({
        ...urgent.candidates[urgent.ids.indexOf(id)]!,
        state: NodeState.OFFLINE,
      });
    urgent.scheduler.tick(T0);
    const events = drainEvents(urgent.scheduler);
    expect(ofType(events, 'jobStarted')[0]!.job.level).toBe('CRITICAL');
    expect(ofType(events, 'blockAtRisk')).toHaveLength(1);
  });

  test('PERMANENTLY_OFFLINE is replaced at once, also after OFFLINE', () => {
    const world = makeWorld({ nodes: 8, seed: 'permanent' });
    const { others } = world.placeRepairable(1, 2);
    const c = world.candidates[world.ids.indexOf(others[0]!)]!;
    world.scheduler.tick(T0);
    world.scheduler.updateNode({ ...c, state: NodeState.OFFLINE });
    world.advance(1000);
    expect(drainEvents(world.scheduler)).toEqual([]);
    world.scheduler.updateNode({ ...c, state: NodeState.PERMANENTLY_OFFLINE });
    world.advance(0);
    expect(ofType(drainEvents(world.scheduler), 'jobStarted')).toHaveLength(1);
  });

  test('partition: queued repairs are cancelled, none start, drains go on; healing resumes', () => {
    const world = makeWorld({
      nodes: 8,
      seed: 'partition',
      scheduler: { limits: { maxConcurrentTransfers: 1 } },
    });
    world.placeRepairable(1, 1);
    world.placeRepairable(2, 1);
    world.scheduler.tick(T0);
    const first = drainEvents(world.scheduler);
    expect(ofType(first, 'jobQueued')).toHaveLength(2);
    world.scheduler.setPartitioned(true);
    expect(world.scheduler.isPartitioned).toBe(true);
    const cancelled = ofType(drainEvents(world.scheduler), 'jobCancelled');
    expect(cancelled.map((e) => e.reason)).toEqual(['partitioned']);
    world.advance(60_000);
    expect(ofType(drainEvents(world.scheduler), 'jobQueued')).toHaveLength(0);
    world.scheduler.applyMembershipEvent({
      type: 'partitionChanged',
      partitioned: false,
      reachableFraction: 1,
      reachable: 8,
      known: 8,
      since: 0,
      at: 0,
    });
    world.advance(0);
    expect(ofType(drainEvents(world.scheduler), 'jobQueued')).toHaveLength(1);
  });
});

describe('risk events', () => {
  test('at risk, restored', () => {
    const world = makeWorld({ nodes: 6, seed: 'risk', scheduler: { repairDelayMs: 0 } });
    const { hex, id: bytes, others } = world.placeRepairable(1, 2);
    world.scheduler.tick(T0);
    for (const id of others) world.scheduler.setNodeDown(id, true);
    world.scheduler.tick(T0);
    const events = drainEvents(world.scheduler);
    expect(ofType(events, 'blockAtRisk')).toEqual([
      { type: 'blockAtRisk', blockId: bytes, blockHex: hex, liveCopies: 1, minimumCopies: 2, at: T0 },
    ]);
    const [job] = ofType(events, 'jobStarted').map((e) => e.job);
    for (const t of job!.targetNodes) store(world, job!, t);
    world.scheduler.tick(T0);
    const after = drainEvents(world.scheduler);
    expect(ofType(after, 'blockRestored')).toHaveLength(1);
    expect(ofType(after, 'blockAtRisk')).toHaveLength(0);
  });

  test('lost: reported once, by the steward only', () => {
    const ids = nodeIds(5, 'steward');
    const hex = blockHex(3);
    const reports = ids.map((self) => {
      const { index } = makeIndex(self);
      index.recordStored(hex, ids[4]!, 'r0');
      const scheduler = new ReplicationScheduler({
        nodeId: self,
        index,
        random: new SeededRandom(1),
        now: T0,
        candidates: ids.map((id) => candidate(id)),
        repairDelayMs: 0,
      });
      scheduler.updateNode({ ...candidate(ids[4]!), state: NodeState.PERMANENTLY_OFFLINE });
      scheduler.tick(T0);
      scheduler.tick(T0 + 1);
      return ofType(drainEvents(scheduler), 'blockLost').length;
    });
    expect(reports.reduce((a, b) => a + b, 0)).toBe(1);
  });
});

describe('shutdown drain (single scheduler)', () => {
  const request = (nodeId: GuidV4, blocks: number[], at = T0 + 600_000): ShutdownRequest => ({
    nodeId,
    shutdownTime: new Date(at),
    permanent: false,
    expectedDuration: 3_600_000,
    affectedBlocks: blocks.map((b, i) => ({
      blockId: blockId(b),
      priority: i,
      replicationStatus: 'PENDING' as const,
    })),
  });

  test('lowest durability first, progress per block, drain deadline bounds the jobs', () => {
    const world = makeWorld({
      nodes: 9,
      regions: 3,
      seed: 'drain',
      scheduler: { limits: { maxConcurrentTransfers: 2 } },
    });
    world.place(1, [world.self, world.ids[1]!, world.ids[2]!]);
    world.place(2, [world.self, world.ids[3]!]);
    world.place(3, [world.self, world.ids[4]!, world.ids[5]!, world.ids[6]!]);
    world.scheduler.startDrain(request(world.self, [1, 2, 3]));
    expect(world.index.holderState(world.self)).toBe(HolderState.LEAVING);
    world.scheduler.tick(T0);
    let events = drainEvents(world.scheduler);
    const progress = ofType(events, 'drainProgressed').map((e) => [
      Buffer.from(e.blockId).toString('hex'),
      e.from,
      e.to,
    ]);
    // Block 3 already has 3 durable copies elsewhere: complete at once. Block 2 (1 durable) goes first.
    expect(progress).toEqual([
      [blockHex(3), 'PENDING', 'IN_PROGRESS'],
      [blockHex(3), 'IN_PROGRESS', 'COMPLETED'],
      [blockHex(2), 'PENDING', 'IN_PROGRESS'],
    ]);
    const [job] = ofType(events, 'jobStarted').map((e) => e.job);
    expect(job!.blockHex).toBe(blockHex(2));
    expect(job!.trigger).toBe('SHUTDOWN_DRAIN');
    expect(job!.level).toBe('HIGH');
    expect(job!.remainingCopies).toBe(1);
    expect(job!.targetNodes).toHaveLength(2);
    expect(world.scheduler.drainProgress()).toEqual({ total: 3, pending: 1, inProgress: 1, completed: 1 });
    world.scheduler.setPartitioned(true);
    for (const t of job!.targetNodes) store(world, job!, t);
    world.scheduler.tick(T0);
    events = drainEvents(world.scheduler);
    expect(ofType(events, 'drainProgressed').map((e) => [e.to])).toEqual([['COMPLETED'], ['IN_PROGRESS']]);
    const [next] = ofType(events, 'jobStarted').map((e) => e.job);
    expect(next!.blockHex).toBe(blockHex(1));
    store(world, next!, next!.targetNodes[0]!);
    world.scheduler.tick(T0);
    events = drainEvents(world.scheduler);
    expect(ofType(events, 'drainCompleted')).toEqual([
      { type: 'drainCompleted', nodeId: world.self, at: T0 },
    ]);
    expect(
      world.scheduler.drainRequest()!.affectedBlocks.every((b) => b.replicationStatus === 'COMPLETED'),
    ).toBe(true);
  });

  test('drain jobs end by shutdownTime', () => {
    const world = makeWorld({ nodes: 6, seed: 'drain-deadline' });
    world.place(1, [world.self, world.ids[1]!]);
    world.scheduler.startDrain(request(world.self, [1], T0 + 5000));
    world.scheduler.tick(T0);
    const [job] = ofType(drainEvents(world.scheduler), 'jobStarted').map((e) => e.job);
    expect(job!.deadline.getTime()).toBe(T0 + 5000);
  });

  test('cancel restores the node as a durable holder; bad drain commands are rejected', () => {
    const world = makeWorld({ nodes: 6, seed: 'drain-cancel' });
    world.place(1, [world.self, world.ids[1]!]);
    expectCode(() => world.scheduler.cancelDrain(), ReplicationErrorCode.COMMAND_INVALID);
    expectCode(
      () => world.scheduler.startDrain(request(world.ids[1]!, [1])),
      ReplicationErrorCode.COMMAND_INVALID,
    );
    expectCode(
      () => world.scheduler.startDrain({ ...request(world.self, [1]), permanent: 'no' } as never),
      'BC_NODE_SHUTDOWN_INVALID',
    );
    world.scheduler.startDrain(request(world.self, [1]));
    expectCode(
      () => world.scheduler.startDrain(request(world.self, [1])),
      ReplicationErrorCode.COMMAND_INVALID,
    );
    world.scheduler.cancelDrain();
    expect(world.index.holderState(world.self)).toBe(HolderState.SERVING);
    expect(world.scheduler.drainProgress()).toBeUndefined();
  });

  test('an empty request completes at once', () => {
    const world = makeWorld({ nodes: 3 });
    world.scheduler.startDrain(request(world.self, []));
    expect(ofType(drainEvents(world.scheduler), 'drainCompleted')).toHaveLength(1);
  });
});

describe('node view adapters', () => {
  test('membership and registry events', () => {
    const world = makeWorld({ nodes: 6, seed: 'adapters', scheduler: { repairDelayMs: 1000 } });
    const [other] = world.placeRepairable(1, 2).others;
    world.scheduler.tick(T0);
    const m = world.scheduler;
    m.applyMembershipEvent({
      type: 'memberSuspected',
      id: other!,
      incarnation: 1,
      accuser: world.self,
      via: world.self,
      deadline: 0,
      expectedConfirmations: 1,
      at: 0,
    });
    m.tick(T0);
    expect(ofType(drainEvents(m), 'jobQueued')[0]!.job.trigger).toBe('PREDICTED_FAILURE');
    m.applyMembershipEvent({
      type: 'memberAlive',
      id: other!,
      incarnation: 2,
      previous: { state: 'suspect', incarnation: 1 },
      refuted: true,
      via: other!,
      at: 0,
    });
    m.applyMembershipEvent({
      type: 'memberDead',
      id: other!,
      incarnation: 2,
      declaredBy: world.self,
      reason: 'gossip',
      suspectedAt: undefined,
      confirmations: 0,
      at: 0,
    });
    expect(world.index.holderState(other!)).toBe(HolderState.UNAVAILABLE);
    m.applyMembershipEvent({
      type: 'memberAlive',
      id: other!,
      incarnation: 3,
      previous: { state: 'dead', incarnation: 2 },
      refuted: true,
      via: other!,
      at: 0,
    });
    expect(world.index.holderState(other!)).toBe(HolderState.SERVING);
    m.applyRegistryEvent({ type: 'failurePredicted', nodeId: other!, phi: 9, at: 0 });
    m.applyRegistryEvent({ type: 'failurePredictionCleared', nodeId: other!, at: 0 });
    m.applyRegistryEvent({
      type: 'stateChanged',
      nodeId: other!,
      from: NodeState.ONLINE,
      to: NodeState.SCHEDULED_SHUTDOWN,
      reason: 'x',
      at: 0,
    });
    expect(world.index.holderState(other!)).toBe(HolderState.LEAVING);
    m.applyRegistryEvent({
      type: 'capabilitiesChanged',
      nodeId: other!,
      capabilities: { ...world.candidates[1]!.capabilities, reads: false },
      at: 0,
    });
    expect(m.selector.get(other!)?.capabilities.reads).toBe(false);
    const stranger = nodeIds(1, 'stranger')[0]!;
    m.applyRegistryEvent({
      type: 'stateChanged',
      nodeId: stranger,
      from: NodeState.ONLINE,
      to: NodeState.OFFLINE,
      reason: 'x',
      at: 0,
    });
    expect(world.index.holderState(stranger)).toBe(HolderState.UNAVAILABLE);
    m.applyRegistryEvent({ type: 'nodeForgotten', nodeId: other!, at: 0 });
    expect(m.selector.get(other!)).toBeUndefined();
    m.applyRegistryEvent({ type: 'nodeDiscovered', nodeId: stranger, state: NodeState.ONLINE, at: 0 });
    m.applyMembershipEvent({ type: 'joinFailed', seeds: [], attempts: 1, at: 0 });
    expectCode(() => m.applyMembershipEvent(null as never), ReplicationErrorCode.COMMAND_INVALID);
    expectCode(
      () => m.applyRegistryEvent({ type: 'failurePredicted', nodeId: 'x', phi: 1, at: 0 } as never),
      ReplicationErrorCode.COMMAND_INVALID,
    );
  });
});

describe('rejections change nothing', () => {
  test('bad reports and commands', () => {
    const world = makeWorld({
      nodes: 6,
      seed: 'reject',
      scheduler: { policies: { ...DEFAULT_REPLICATION_POLICY, minimumCopies: 1, targetCopies: 3 } },
    });
    world.place(1, [world.self]);
    world.scheduler.tick(T0);
    const [job] = ofType(drainEvents(world.scheduler), 'jobStarted').map((e) => e.job);
    const [t1, t2] = job!.targetNodes;
    world.scheduler.reportCopyFailed(job!.jobId, t2!, 'x');
    const before = observe(world.scheduler);
    const outsider = world.ids.find((id) => !job!.targetNodes.includes(id) && id !== world.self)!;
    const bad: [string, () => void, string][] = [
      [
        'unknown job',
        () => world.scheduler.step(t1!, { type: 'copyStored', jobId: 999, blockId: job!.blockHex }),
        ReplicationErrorCode.REPORT_INVALID,
      ],
      [
        'wrong block',
        () => world.scheduler.step(t1!, { type: 'copyStored', jobId: job!.jobId, blockId: blockHex(2) }),
        ReplicationErrorCode.REPORT_INVALID,
      ],
      [
        'not a target',
        () =>
          world.scheduler.step(outsider, {
            type: 'copyFailed',
            jobId: job!.jobId,
            blockId: job!.blockHex,
            reason: 'x',
          }),
        ReplicationErrorCode.REPORT_INVALID,
      ],
      [
        'already reported',
        () => world.scheduler.reportCopyFailed(job!.jobId, t2!, 'again'),
        ReplicationErrorCode.REPORT_INVALID,
      ],
      [
        'stored but not in the index',
        () => world.scheduler.reportCopyStored(job!.jobId, t1!),
        ReplicationErrorCode.REPORT_INVALID,
      ],
      [
        'bad from',
        () =>
          world.scheduler.step('nope' as GuidV4, {
            type: 'copyStored',
            jobId: job!.jobId,
            blockId: job!.blockHex,
          }),
        ReplicationErrorCode.REPORT_INVALID,
      ],
      [
        'malformed',
        () => world.scheduler.step(t1!, { type: 'copyStored' } as never),
        ReplicationErrorCode.REPORT_INVALID,
      ],
      ['unknown trim', () => world.scheduler.reportDropped(5, t1!), ReplicationErrorCode.REPORT_INVALID],
      [
        'unknown trim (failed)',
        () => world.scheduler.reportDropFailed(5, t1!, 'x'),
        ReplicationErrorCode.REPORT_INVALID,
      ],
      [
        'unknown job (helper)',
        () => world.scheduler.reportCopyFailed(999, t1!, 'x'),
        ReplicationErrorCode.REPORT_INVALID,
      ],
      [
        'trim report for a job id',
        () => world.scheduler.step(t1!, { type: 'copyDropped', trimId: job!.jobId, blockId: job!.blockHex }),
        ReplicationErrorCode.REPORT_INVALID,
      ],
      ['time backwards', () => world.scheduler.tick(T0 - 1), ReplicationErrorCode.TIME_INVALID],
      ['time NaN', () => world.scheduler.tick(Number.NaN), ReplicationErrorCode.TIME_INVALID],
      [
        'bad candidate',
        () =>
          world.scheduler.updateNode({
            ...candidate(t1!),
            criteria: { ...candidate(t1!).criteria, reliability: 2 },
          }),
        ReplicationErrorCode.SELECTION_INVALID,
      ],
      [
        'bad node id',
        () => world.scheduler.setSuspected('x' as GuidV4, true),
        ReplicationErrorCode.COMMAND_INVALID,
      ],
      [
        'bad flag',
        () => world.scheduler.setNodeDown(t1!, 'yes' as never),
        ReplicationErrorCode.COMMAND_INVALID,
      ],
      [
        'bad suspect flag',
        () => world.scheduler.setSuspected(t1!, 1 as never),
        ReplicationErrorCode.COMMAND_INVALID,
      ],
      [
        'bad partition flag',
        () => world.scheduler.setPartitioned('yes' as never),
        ReplicationErrorCode.COMMAND_INVALID,
      ],
      [
        'bad block ids',
        () => world.scheduler.indexChanged([blockId(1), 'zz']),
        ReplicationErrorCode.COMMAND_INVALID,
      ],
      [
        'not an array',
        () => world.scheduler.indexChanged('x' as never),
        ReplicationErrorCode.COMMAND_INVALID,
      ],
      ['bad access', () => world.scheduler.recordAccess('zz'), ReplicationErrorCode.COMMAND_INVALID],
      [
        'bad access count',
        () => world.scheduler.recordAccess(blockId(1), -1),
        ReplicationErrorCode.COMMAND_INVALID,
      ],
      ['bad removal', () => world.scheduler.removeNode('x' as GuidV4), ReplicationErrorCode.COMMAND_INVALID],
      ['bad repairer query', () => world.scheduler.repairerOf('zz'), ReplicationErrorCode.COMMAND_INVALID],
    ];
    for (const [name, run, code] of bad) {
      try {
        expectCode(run, code);
      } catch (error) {
        throw new Error(`${name}: ${(error as Error).message}`);
      }
      expect([name, observe(world.scheduler)]).toEqual([name, before]);
    }
    expect(world.scheduler.job(job!.jobId)?.outcomes[t2!]).toBe('FAILED');
    expect(world.scheduler.job(12345)).toBeUndefined();
  });

  test.each<[string, object]>([
    ['no node id', { nodeId: 'x' }],
    ['no index', { index: {} }],
    ['negative time', { now: -1 }],
    ['zero timeout', { jobTimeoutMs: 0 }],
    ['negative delay', { repairDelayMs: -5 }],
    ['zero rescan', { rescanIntervalMs: 0 }],
    ['zero transfers', { limits: { maxConcurrentTransfers: 0 } }],
    ['fractional per target', { limits: { maxTransfersPerTarget: 1.5 } }],
    ['zero bytes', { limits: { maxBytesInFlight: 0 } }],
    ['bad urgent flag', { urgentSkipsDelay: 'yes' }],
    ['bad region function', { blockRegionOf: 'EU' }],
  ])('rejects options: %s', (_, overrides) => {
    const ids = nodeIds(1);
    const { index } = makeIndex(ids[0]!);
    expectCode(
      () =>
        new ReplicationScheduler({
          nodeId: ids[0]!,
          index,
          random: new SeededRandom(1),
          now: T0,
          ...overrides,
        } as never),
      ReplicationErrorCode.OPTIONS_INVALID,
    );
  });

  test('accepts a resolver and exposes it', () => {
    const ids = nodeIds(1);
    const { index } = makeIndex(ids[0]!);
    const policies = new ReplicationPolicyResolver();
    const scheduler = new ReplicationScheduler({
      nodeId: ids[0]!,
      index,
      random: new SeededRandom(1),
      now: T0,
      policies,
    });
    expect(scheduler.policies).toBe(policies);
    expect(scheduler.nodeId).toBe(ids[0]);
    expect(scheduler.now).toBe(T0);
    expect(scheduler.nextDeadline()).toBe(T0);
    scheduler.tick(T0);
    expect(scheduler.nextDeadline()).toBe(T0 + 30_000);
    expect(scheduler.hasReady()).toBe(false);
  });
});

describe('determinism', () => {
  test('same seed and inputs, same events', () => {
    const run = () => {
      const world = makeWorld({
        nodes: 12,
        regions: 4,
        seed: 'determinism',
        scheduler: { backoff: { jitter: 1 } },
      });
      for (let b = 0; b < 40; b++) world.placeRepairable(b, b % 3);
      const log: unknown[] = [];
      world.scheduler.tick(T0);
      for (let step = 0; step < 5; step++) {
        const events = drainEvents(world.scheduler);
        log.push(
          events.map((e) =>
            'job' in e ? [e.type, e.job.blockHex, e.job.targetNodes, e.job.deadline.getTime()] : e.type,
          ),
        );
        for (const { job } of ofType(events, 'jobStarted')) {
          job.targetNodes.forEach((t, i) => {
            if (i % 2 === 0) world.scheduler.reportCopyFailed(job.jobId, t, 'x');
            else store(world, job, t);
          });
        }
        world.advance(3000);
      }
      return JSON.stringify(log);
    };
    expect(run()).toBe(run());
  });
});
