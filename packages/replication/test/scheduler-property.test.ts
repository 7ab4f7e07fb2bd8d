import { HolderState } from '@brightchain/block-index';
import type { GuidV4 } from '@brightchain/core';
import { NodeState } from '@brightchain/node-state';
import { DEFAULT_REPLICATION_POLICY, type ReplicationEvent } from '@brightchain/replication';
import fc from 'fast-check';
import { T0, blockHex, observe } from './fixtures';
import { makeWorld } from './scheduler-world';

const NODES = 9;
const BLOCKS = 16;
const LIMITS = {
  maxConcurrentTransfers: 6,
  maxTransfersPerTarget: 2,
  maxTargetsPerJob: 3,
  maxConcurrentTrims: 2,
};

type Action =
  | { kind: 'tick'; dt: number }
  | { kind: 'store' | 'fail' | 'drop' | 'dropFail' | 'bad'; pick: number }
  | { kind: 'state'; node: number; state: NodeState }
  | { kind: 'suspect'; node: number; flag: boolean }
  | { kind: 'partition'; flag: boolean }
  | { kind: 'addCopy' | 'loseCopy'; block: number; node: number };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('tick' as const), dt: fc.integer({ min: 0, max: 20_000 }) }),
  },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('store' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('fail' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('drop' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('dropFail' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('bad' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('state' as const),
      node: fc.integer({ min: 1, max: NODES - 1 }),
      state: fc.constantFrom(
        NodeState.ONLINE,
        NodeState.ONLINE,
        NodeState.OFFLINE,
        NodeState.PERMANENTLY_OFFLINE,
        NodeState.SCHEDULED_SHUTDOWN,
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('suspect' as const),
      node: fc.integer({ min: 1, max: NODES - 1 }),
      flag: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('partition' as const), flag: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constantFrom('addCopy' as const, 'loseCopy' as const),
      block: fc.integer({ min: 0, max: BLOCKS - 1 }),
      node: fc.integer({ min: 0, max: NODES - 1 }),
    }),
  },
);

describe('ReplicationScheduler under random commands, reports and faults', () => {
  test('limits, no holder targets, one job or trim per block, safe trims, partition suppression, atomic rejections', () => {
    fc.assert(
      fc.property(fc.array(actionArb, { minLength: 10, maxLength: 60 }), fc.integer(), (actions, seed) => {
        const world = makeWorld({
          nodes: NODES,
          regions: 3,
          seed: `property-${seed}`,
          scheduler: { limits: LIMITS, repairDelayMs: 10_000, jobTimeoutMs: 30_000, parkMs: 5_000 },
        });
        const { scheduler, index, ids, self } = world;
        const state = new Map<GuidV4, NodeState>(ids.map((id) => [id, NodeState.ONLINE]));
        const suspected = new Set<GuidV4>();
        let partitioned = false;
        for (let b = 0; b < BLOCKS; b++)
          world.place(b, [self, ...ids.slice(1 + (b % 5), 2 + (b % 5) + (b % 4))]);

        const check = (events: readonly ReplicationEvent[]) => {
          for (const event of events) {
            expect(event.at).toBe(scheduler.now);
            if (event.type === 'jobStarted' || event.type === 'jobQueued') {
              if (partitioned) expect(event.job.trigger).toBe('SHUTDOWN_DRAIN');
            }
            if (event.type === 'jobStarted') {
              const holders = new Set(index.holdersOf(event.job.blockHex).map((h) => h.holder));
              expect(event.job.source).toBe(self);
              expect(holders.has(self)).toBe(true);
              for (const t of event.job.targetNodes) {
                expect(holders.has(t)).toBe(false);
                expect(state.get(t)).toBe(NodeState.ONLINE);
                expect(suspected.has(t)).toBe(false);
                expect(t).not.toBe(self);
              }
            }
            if (event.type === 'trimStarted') {
              expect(partitioned).toBe(false);
              const drop = new Set(event.trim.nodes);
              const durable = index
                .holdersOf(event.trim.blockHex)
                .filter((h) => h.state === HolderState.SERVING && !suspected.has(h.holder));
              const kept = durable.filter((h) => !drop.has(h.holder));
              expect(kept.length).toBeGreaterThanOrEqual(DEFAULT_REPLICATION_POLICY.targetCopies);
              for (const region of new Set(durable.map((h) => h.region))) {
                expect(kept.some((h) => h.region === region)).toBe(true);
              }
              for (const node of drop) expect(durable.some((h) => h.holder === node)).toBe(true);
            }
          }
          const jobs = scheduler.jobs();
          const active = jobs.filter((j) => j.status === 'IN_PROGRESS');
          const pendingTransfers = active.flatMap((j) =>
            Object.entries(j.outcomes)
              .filter(([, o]) => o === 'PENDING')
              .map(([n]) => n),
          );
          expect(pendingTransfers.length).toBe(scheduler.stats.transfersInFlight);
          expect(pendingTransfers.length).toBeLessThanOrEqual(LIMITS.maxConcurrentTransfers);
          const perTarget = new Map<string, number>();
          for (const n of pendingTransfers) perTarget.set(n, (perTarget.get(n) ?? 0) + 1);
          for (const count of perTarget.values())
            expect(count).toBeLessThanOrEqual(LIMITS.maxTransfersPerTarget);
          const busy = [...active.map((j) => j.blockHex), ...scheduler.trims().map((t) => t.blockHex)];
          expect(new Set(busy).size).toBe(busy.length);
          expect(scheduler.trims().length).toBeLessThanOrEqual(LIMITS.maxConcurrentTrims);
          expect(scheduler.stats.queued).toBe(jobs.filter((j) => j.status === 'PENDING').length);
          expect(scheduler.stats.active).toBe(active.length);
        };

        const pendingPairs = () =>
          scheduler
            .jobs()
            .filter((j) => j.status === 'IN_PROGRESS')
            .flatMap((j) =>
              Object.entries(j.outcomes)
                .filter(([, o]) => o === 'PENDING')
                .map(([n]) => ({ job: j, node: n as GuidV4 })),
            );
        const pendingDrops = () =>
          scheduler.trims().flatMap((t) =>
            Object.entries(t.outcomes)
              .filter(([, o]) => o === 'PENDING')
              .map(([n]) => ({ trim: t, node: n as GuidV4 })),
          );

        scheduler.tick(T0);
        check(scheduler.ready().events);
        for (const action of actions) {
          switch (action.kind) {
            case 'tick':
              scheduler.tick(scheduler.now + action.dt);
              break;
            case 'store':
            case 'fail': {
              const pairs = pendingPairs();
              const pair = pairs[action.pick % Math.max(1, pairs.length)];
              if (pair === undefined) break;
              if (action.kind === 'store') {
                index.recordStored(pair.job.blockHex, pair.node, world.regionOf(pair.node));
                scheduler.reportCopyStored(pair.job.jobId, pair.node);
              } else scheduler.reportCopyFailed(pair.job.jobId, pair.node, 'boom');
              break;
            }
            case 'drop':
            case 'dropFail': {
              const drops = pendingDrops();
              const drop = drops[action.pick % Math.max(1, drops.length)];
              if (drop === undefined) break;
              if (action.kind === 'drop') {
                index.recordDropped(drop.trim.blockHex, drop.node);
                scheduler.reportDropped(drop.trim.trimId, drop.node);
              } else scheduler.reportDropFailed(drop.trim.trimId, drop.node, 'busy');
              break;
            }
            case 'bad': {
              const before = observe(scheduler);
              const pairs = pendingPairs();
              const pair = pairs[action.pick % Math.max(1, pairs.length)];
              const attempt = () => {
                if (pair === undefined) scheduler.reportCopyStored(10_000 + action.pick, self);
                else if (action.pick % 2 === 0)
                  scheduler.reportCopyStored(pair.job.jobId, pair.node); // not recorded
                else
                  scheduler.step(self, {
                    type: 'copyFailed',
                    jobId: pair.job.jobId,
                    blockId: pair.job.blockHex,
                    reason: 'x',
                  });
              };
              expect(attempt).toThrow();
              expect(observe(scheduler)).toBe(before);
              break;
            }
            case 'state': {
              const id = ids[action.node]!;
              state.set(id, action.state);
              scheduler.updateNode({ ...world.candidates[action.node]!, state: action.state });
              break;
            }
            case 'suspect': {
              const id = ids[action.node]!;
              if (action.flag) suspected.add(id);
              else suspected.delete(id);
              scheduler.setSuspected(id, action.flag);
              break;
            }
            case 'partition':
              partitioned = action.flag;
              scheduler.setPartitioned(action.flag);
              break;
            case 'addCopy':
            case 'loseCopy': {
              const id = ids[action.node]!;
              if (action.kind === 'addCopy')
                index.recordStored(blockHex(action.block), id, world.regionOf(id));
              else index.recordDropped(blockHex(action.block), id);
              scheduler.indexChanged([blockHex(action.block)]);
              break;
            }
          }
          const batch = scheduler.ready();
          scheduler.advance();
          check(batch.events);
          const next = scheduler.nextDeadline();
          expect(next === undefined || next >= scheduler.now).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });
});
