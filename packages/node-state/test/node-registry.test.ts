import { BrightChainError, type GuidV4 } from '@brightchain/core';
import {
  type NodeAnnouncement,
  type NodeCapabilities,
  type NodeQuery,
  NodeRegistry,
  type NodeRegistryEvent,
  NodeState,
  type NodeStatus,
  canAcceptWrites,
  canServeReads,
  freeSpace,
} from '@brightchain/node-state';
import fc from 'fast-check';
import { expectCode, issuePaths, nodeIds, sampleStatus } from './node-fixtures';

const IDS = nodeIds(12, 'registry');
const [A, B, C] = IDS as [GuidV4, GuidV4, GuidV4];
const DAY = 86_400_000;

function announcement(
  nodeId: GuidV4,
  sequence: number,
  overrides: Partial<NodeStatus> = {},
  caps: Partial<NodeCapabilities> = {},
): NodeAnnouncement {
  return { nodeId, sequence, status: sampleStatus(overrides, caps) };
}

const scheduled = (start: number, expectedDuration = 0, permanent = false): Partial<NodeStatus> => ({
  state: NodeState.SCHEDULED_SHUTDOWN,
  plannedDowntime: { start: new Date(start), expectedDuration, permanent },
});

function types(events: readonly NodeRegistryEvent[]): string[] {
  return events.map((e) => (e.type === 'stateChanged' ? `${e.type}:${e.from}>${e.to}` : e.type));
}

describe('NodeRegistry: discovery', () => {
  it('registers, updates with a newer sequence, ignores stale announcements', () => {
    const registry = new NodeRegistry({ now: 0 });
    expect(registry.announce(announcement(A, 1), 10)).toBe('discovered');
    expect(registry.ready().events).toEqual([{ type: 'nodeDiscovered', nodeId: A, state: 'ONLINE', at: 10 }]);
    expect(registry.announce(announcement(A, 1, { credits: 99 }), 20)).toBe('stale');
    expect(registry.get(A).status.credits).toBe(0);
    expect(registry.announce(announcement(A, 2, { credits: 99 }, { writes: false }), 30)).toBe('updated');
    expect(registry.get(A)).toMatchObject({ sequence: 2, discoveredAt: 10, updatedAt: 30 });
    expect(registry.get(A).status.credits).toBe(99);
    const events = registry.ready().events;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'capabilitiesChanged', nodeId: A, at: 30 });
    expect(registry.size).toBe(1);
    expect(registry.has(B)).toBe(false);
  });

  it('validates announcements and reports status issues under status.*', () => {
    const registry = new NodeRegistry({ now: 0 });
    const bad = announcement(A, 1, { storageMetrics: { totalSpace: 10, usedSpace: 8, reservedSpace: 5 } });
    const error = expectCode(() => registry.announce(bad, 1), 'BC_NODE_ANNOUNCEMENT_INVALID');
    expect(issuePaths(error)).toEqual(['status.storageMetrics']);
    const cases: unknown[] = [
      null,
      { ...announcement(A, 1), nodeId: 'x' },
      { ...announcement(A, 1), sequence: -1 },
      { ...announcement(A, 1), sequence: 1.5 },
      { ...announcement(A, 1), extra: true },
      { nodeId: A, sequence: 1 },
    ];
    for (const input of cases)
      expectCode(() => registry.announce(input as NodeAnnouncement, 1), 'BC_NODE_ANNOUNCEMENT_INVALID');
    expect(registry.size).toBe(0);
    expect(registry.hasReady()).toBe(false);
  });

  it('unknown nodes and backwards time are typed errors', () => {
    const registry = new NodeRegistry({ now: 100 });
    expectCode(() => registry.heartbeat(A, 100), 'BC_NODE_UNKNOWN');
    expectCode(() => registry.get(A), 'BC_NODE_UNKNOWN');
    expectCode(() => registry.health(A), 'BC_NODE_UNKNOWN');
    expectCode(() => registry.reportFailure(A, 100, 'dead'), 'BC_NODE_UNKNOWN');
    expectCode(() => registry.recordOutcome(A, { kind: 'audit', success: true }, 100), 'BC_NODE_UNKNOWN');
    expectCode(() => registry.forget(A, 100), 'BC_NODE_UNKNOWN');
    expectCode(() => registry.tick(99), 'BC_NODE_TIME_INVALID');
    expectCode(() => registry.announce(announcement(A, 1), Number.NaN), 'BC_NODE_TIME_INVALID');
    expectCode(() => new NodeRegistry({ now: 0, downOutIntervalMs: -1 }), 'BC_NODE_COMMAND_INVALID');
    expectCode(() => new NodeRegistry({ now: 0, suspicionPhi: 0 }), 'BC_NODE_COMMAND_INVALID');
    expectCode(() => new NodeRegistry({ now: 0, phi: { threshold: -1 } }), 'BC_NODE_DETECTOR_INVALID');
  });
});

describe('NodeRegistry: health', () => {
  it('a silent node gets a failure prediction once; a heartbeat clears it', () => {
    const registry = new NodeRegistry({ now: 0, phi: { acceptableHeartbeatPauseMs: 0 } });
    registry.announce(announcement(A, 1), 0);
    for (let t = 0; t <= 30_000; t += 1000) {
      registry.heartbeat(A, t);
      registry.tick(t);
    }
    registry.ready();
    expect(registry.health(A)).toMatchObject({ state: 'ONLINE', available: true, failurePredicted: false });
    registry.tick(34_000);
    registry.tick(40_000);
    const predicted = registry.ready().events;
    expect(predicted).toHaveLength(1);
    expect(predicted[0]).toMatchObject({ type: 'failurePredicted', nodeId: A, at: 34_000 });
    expect((predicted[0] as { phi: number }).phi).toBeGreaterThanOrEqual(8);
    expect(registry.health(A)).toMatchObject({ available: false, failurePredicted: true });
    registry.heartbeat(A, 41_000);
    expect(registry.ready().events).toEqual([{ type: 'failurePredictionCleared', nodeId: A, at: 41_000 }]);
    expect(registry.get(A).status.lastSeen).toEqual(new Date(41_000));
  });

  it('reportFailure: unannounced departure is an emergency with recovery and a penalty', () => {
    const registry = new NodeRegistry({ now: 0 });
    registry.announce(announcement(A, 1), 0);
    registry.ready();
    expect(registry.reportFailure(A, 5_000, 'membership: dead')).toBe(true);
    expect(types(registry.ready().events)).toEqual([
      'stateChanged:ONLINE>EMERGENCY_SHUTDOWN',
      'recoveryRequired',
      'stateChanged:EMERGENCY_SHUTDOWN>OFFLINE',
    ]);
    expect(registry.get(A).reliability.emergencyShutdowns).toBe(1);
    expect(registry.get(A).status.reliability.uptime).toBeLessThan(0.97);
    expect(registry.reportFailure(A, 6_000, 'again')).toBe(false);
    expectCode(() => registry.reportFailure(A, 6_000, ''), 'BC_NODE_COMMAND_INVALID');
  });

  it('reportFailure after an announced shutdown started is a planned stop: no recovery, no penalty', () => {
    const registry = new NodeRegistry({ now: 0 });
    registry.announce(announcement(A, 1, scheduled(10_000, 60_000)), 0);
    registry.ready();
    registry.reportFailure(A, 12_000, 'membership: left');
    expect(types(registry.ready().events)).toEqual(['stateChanged:SCHEDULED_SHUTDOWN>OFFLINE']);
    expect(registry.get(A).reliability.emergencyShutdowns).toBe(0);
    // Down-out counts from the expected return: max(start, offline) + expected + 600 s.
    registry.tick(12_000 + 60_000 + 600_000 - 1);
    expect(registry.get(A).status.state).toBe('OFFLINE');
    // Planned downtime within its duration is neutral for uptime; only the overrun counts as down.
    const uptime = registry.get(A).status.reliability.uptime;
    expect(uptime).toBeCloseTo(Math.exp(-(600_000 - 1) / (30 * DAY)), 9);
    registry.tick(12_000 + 60_000 + 600_000);
    expect(registry.get(A).status.state).toBe('PERMANENTLY_OFFLINE');
  });

  it('before its start, a scheduled node that vanishes is an emergency', () => {
    const registry = new NodeRegistry({ now: 0 });
    registry.announce(announcement(A, 1, scheduled(10_000)), 0);
    registry.ready();
    registry.reportFailure(A, 5_000, 'crashed');
    expect(types(registry.ready().events)).toEqual([
      'stateChanged:SCHEDULED_SHUTDOWN>EMERGENCY_SHUTDOWN',
      'recoveryRequired',
      'stateChanged:EMERGENCY_SHUTDOWN>OFFLINE',
    ]);
    expect(registry.get(A).status.plannedDowntime).toBeUndefined();
  });

  it('down-out retires a node; a retired node must be forgotten before it rejoins', () => {
    const registry = new NodeRegistry({ now: 0, downOutIntervalMs: 1_000 });
    registry.announce(announcement(A, 1), 0);
    registry.reportFailure(A, 100, 'dead');
    registry.tick(5_000);
    const retired = registry.ready().events.at(-1);
    expect(retired).toMatchObject({
      type: 'stateChanged',
      from: 'OFFLINE',
      to: 'PERMANENTLY_OFFLINE',
      at: 1_100,
    });
    expectCode(() => registry.announce(announcement(A, 2), 5_000), 'BC_NODE_RETIRED');
    expectCode(() => registry.heartbeat(A, 5_000), 'BC_NODE_RETIRED');
    expect(registry.announce(announcement(A, 1), 5_000)).toBe('stale');
    registry.forget(A, 6_000);
    expect(registry.ready().events).toEqual([{ type: 'nodeForgotten', nodeId: A, at: 6_000 }]);
    expect(registry.announce(announcement(A, 3), 7_000)).toBe('discovered');
  });

  it('follows announced states, including ones whose intermediate announcements were lost', () => {
    const registry = new NodeRegistry({ now: 0 });
    registry.announce(announcement(A, 1), 0);
    registry.announce(announcement(A, 2, scheduled(100, 0, true)), 1);
    registry.announce(
      announcement(A, 3, {
        state: NodeState.OFFLINE,
        plannedDowntime: { start: new Date(100), expectedDuration: 0, permanent: true },
      }),
      200,
    );
    expect(types(registry.ready().events)).toEqual([
      'nodeDiscovered',
      'stateChanged:ONLINE>SCHEDULED_SHUTDOWN',
      'stateChanged:SCHEDULED_SHUTDOWN>OFFLINE',
      'stateChanged:OFFLINE>PERMANENTLY_OFFLINE',
    ]);
    registry.announce(announcement(B, 1), 0 + 300);
    registry.announce(announcement(B, 2, { state: NodeState.OFFLINE }), 400); // ONLINE ⇝ OFFLINE: unplanned
    expect(types(registry.ready().events)).toEqual([
      'nodeDiscovered',
      'stateChanged:ONLINE>OFFLINE',
      'recoveryRequired',
    ]);
  });

  it('keeps its own reliability view from reported outcomes and latencies', () => {
    const registry = new NodeRegistry({ now: 0 });
    registry.announce(announcement(A, 1, { credits: 5 }), 0);
    for (let i = 0; i < 120; i++) registry.recordOutcome(A, { kind: 'replication', success: true }, i);
    registry.recordLatency(A, 1050, 200);
    const node = registry.get(A);
    expect(node.status.score).toMatchObject({ standing: 'vetted', observations: 120, latency: 0.5 });
    expect(node.status.reliability.successfulReplications).toBe(120);
    expect(node.announced.score.observations).toBe(0); // the node's own claim is kept apart
    expectCode(() => registry.recordLatency(A, -1, 200), 'BC_NODE_RELIABILITY_INVALID');
  });
});

describe('NodeRegistry: queries', () => {
  function populated(): NodeRegistry {
    const registry = new NodeRegistry({ now: 0 });
    const [a, b, c, d, e, f] = IDS as [GuidV4, GuidV4, GuidV4, GuidV4, GuidV4, GuidV4];
    registry.announce(announcement(a, 1, {}, { region: 'eu-west-1', specialisations: ['ssd'] }), 0);
    registry.announce(announcement(b, 1, {}, { region: 'eu-west-1', writes: false }), 0);
    registry.announce(
      announcement(
        c,
        1,
        {},
        { nodeType: 'quorum', quorum: true, region: 'us-east-1', specialisations: ['identity', 'ssd'] },
      ),
      0,
    );
    registry.announce(announcement(d, 1, scheduled(10_000), { region: 'us-east-1' }), 0);
    registry.announce(
      announcement(
        e,
        1,
        { storageMetrics: { totalSpace: 100, usedSpace: 90, reservedSpace: 0 } },
        { allowedRegions: ['EU'] },
      ),
      0,
    );
    registry.announce(announcement(f, 1), 0);
    registry.reportFailure(f, 1, 'dead');
    for (let i = 0; i < 150; i++) registry.recordOutcome(a, { kind: 'audit', success: true }, 2);
    for (let i = 0; i < 150; i++) registry.recordOutcome(b, { kind: 'audit', success: i % 4 !== 0 }, 2);
    return registry;
  }

  const ids = (nodes: { nodeId: GuidV4 }[]) => nodes.map((n) => IDS.indexOf(n.nodeId));

  it('filters by state, type, region, capability, access and space', () => {
    const registry = populated();
    const sorted = (xs: number[]) =>
      [...xs].sort((x, y) => (IDS[x] as string).localeCompare(IDS[y] as string));
    expect(ids(registry.query())).toEqual(sorted([0, 1, 2, 3, 4, 5]));
    expect(ids(registry.query({ states: [NodeState.ONLINE] }))).toEqual(sorted([0, 1, 2, 4]));
    expect(ids(registry.query({ states: [NodeState.OFFLINE, NodeState.SCHEDULED_SHUTDOWN] }))).toEqual(
      sorted([3, 5]),
    );
    expect(ids(registry.query({ nodeType: 'quorum' }))).toEqual([2]);
    expect(ids(registry.query({ quorum: true }))).toEqual([2]);
    expect(ids(registry.query({ region: 'us-east-1' }))).toEqual(sorted([2, 3]));
    expect(ids(registry.query({ specialisations: ['ssd'] }))).toEqual(sorted([0, 2]));
    expect(ids(registry.query({ specialisations: ['ssd', 'identity'] }))).toEqual([2]);
    expect(ids(registry.query({ readable: true }))).toEqual(sorted([0, 1, 2, 3, 4]));
    // Node 4 is restricted to EU blocks, so it is not writable for an untagged block.
    expect(ids(registry.query({ writable: true }))).toEqual(sorted([0, 2]));
    expect(ids(registry.query({ writable: false }))).toEqual(sorted([1, 3, 4, 5]));
    expect(ids(registry.query({ writable: { blockRegion: 'EU' } }))).toEqual(sorted([0, 2, 4]));
    expect(ids(registry.query({ writable: { blockRegion: 'US' } }))).toEqual(sorted([0, 2]));
    expect(ids(registry.query({ writable: { minFreeBytes: 11 } }))).toEqual(sorted([0, 2]));
    expect(ids(registry.query({ standings: ['vetted'] }))).toEqual([0]);
    expect(ids(registry.query({ standings: ['disqualified'] }))).toEqual([1]);
    expect(ids(registry.query({ available: true }))).toEqual(sorted([0, 1, 2, 3, 4]));
    expect(ids(registry.query({ available: false }))).toEqual([5]);
    expect(ids(registry.query({ available: { phiBelow: 0.1 } }))).toEqual(sorted([0, 1, 2, 3, 4])); // never heard from: φ = 0
    const ranked = registry.query({ orderBy: 'score', states: [NodeState.ONLINE] });
    const scores = ranked.map((n) => n.status.score.score);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
    expect(ids(ranked).at(-1)).toBe(1); // the node with 25 % failed audits ranks last
    expect(registry.query({ orderBy: 'score', states: [NodeState.ONLINE], limit: 2 })).toEqual(
      ranked.slice(0, 2),
    );
    expect(registry.query({ limit: 0 })).toEqual([]);
    expect(registry.list()).toHaveLength(6);
  });

  it('rejects malformed filters', () => {
    const registry = populated();
    const bad: unknown[] = [
      null,
      { states: ['ASLEEP'] },
      { states: 'ONLINE' },
      { nodeType: 'archive' },
      { region: '' },
      { specialisations: [1] },
      { storage: 'yes' },
      { readable: 1 },
      { writable: 'EU' },
      { writable: { minFreeBytes: -1 } },
      { writable: { blockRegion: 7 } },
      { minScore: 2 },
      { standings: ['great'] },
      { available: { phiBelow: 0 } },
      { orderBy: 'name' },
      { limit: -1 },
    ];
    for (const filter of bad) expectCode(() => registry.query(filter as NodeQuery), 'BC_NODE_QUERY_INVALID');
  });

  it('matches a naive filter over list() for random populations and filters', () => {
    const capsArb = fc.record({
      nodeType: fc.constantFrom('storage' as const, 'quorum' as const),
      writes: fc.boolean(),
      reads: fc.boolean(),
      region: fc.constantFrom('eu-west-1', 'us-east-1', 'ap-south-1'),
      restricted: fc.boolean(),
      used: fc.integer({ min: 0, max: 100 }),
    });
    const nodeArb = fc.record({
      caps: capsArb,
      fail: fc.boolean(),
      failures: fc.integer({ min: 0, max: 150 }),
    });
    const filterArb = fc.record(
      {
        states: fc.subarray<NodeState>([NodeState.ONLINE, NodeState.OFFLINE]),
        nodeType: fc.constantFrom('storage' as const, 'quorum' as const),
        region: fc.constantFrom('eu-west-1', 'us-east-1'),
        readable: fc.boolean(),
        writable: fc.oneof(
          fc.boolean(),
          fc.record({
            blockRegion: fc.constantFrom('EU', 'US'),
            minFreeBytes: fc.integer({ min: 0, max: 100 }),
          }),
        ),
        minScore: fc.double({ min: 0, max: 1, noNaN: true }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(nodeArb, { maxLength: 12 }), filterArb, (nodes, filter) => {
        const registry = new NodeRegistry({ now: 0 });
        nodes.forEach((node, i) => {
          const id = IDS[i] as GuidV4;
          const { caps } = node;
          registry.announce(
            announcement(
              id,
              1,
              { storageMetrics: { totalSpace: 100, usedSpace: caps.used, reservedSpace: 0 } },
              {
                nodeType: caps.nodeType,
                quorum: caps.nodeType === 'quorum',
                reads: caps.reads,
                writes: caps.writes,
                region: caps.region,
                ...(caps.restricted ? { allowedRegions: ['EU'] } : {}),
              },
            ),
            0,
          );
          for (let k = 0; k < 150; k++)
            registry.recordOutcome(id, { kind: 'audit', success: k >= node.failures }, 0);
          if (node.fail) registry.reportFailure(id, 0, 'dead');
        });
        const naive = registry.list().filter(({ status }) => {
          if (filter.states !== undefined && !filter.states.includes(status.state)) return false;
          if (filter.nodeType !== undefined && status.capabilities.nodeType !== filter.nodeType) return false;
          if (filter.region !== undefined && status.capabilities.region !== filter.region) return false;
          if (filter.readable !== undefined && canServeReads(status) !== filter.readable) return false;
          if (filter.writable !== undefined) {
            const w = filter.writable;
            const ok =
              typeof w === 'boolean'
                ? canAcceptWrites(status) === w
                : canAcceptWrites(status, w.blockRegion) && freeSpace(status) >= w.minFreeBytes;
            if (!ok) return false;
          }
          if (filter.minScore !== undefined && status.score.score < filter.minScore) return false;
          return true;
        });
        expect(registry.query(filter).map((n) => n.nodeId)).toEqual(naive.map((n) => n.nodeId));
      }),
      { numRuns: 150 },
    );
  });
});

describe('NodeRegistry: events are deterministic', () => {
  it('the same inputs give the same events', () => {
    const run = () => {
      const registry = new NodeRegistry({ now: 0, downOutIntervalMs: 500 });
      for (const [i, id] of [C, A, B].entries()) registry.announce(announcement(id, 1), i);
      for (const id of [A, B, C]) registry.heartbeat(id, 10);
      registry.reportFailure(B, 20, 'dead');
      registry.tick(100_000);
      return registry.ready().events;
    };
    const events = run();
    expect(run()).toEqual(events);
    const predicted = events.filter((e) => e.type === 'failurePredicted').map((e) => e.nodeId);
    expect(predicted).toEqual([A, C].sort());
  });
});

describe('NodeRegistry under random command sequences', () => {
  type Step =
    | { t: 'announce'; node: number; sequence: number; state: NodeState; bad: boolean }
    | { t: 'heartbeat'; node: number }
    | { t: 'fail'; node: number }
    | { t: 'outcome'; node: number; success: boolean }
    | { t: 'forget'; node: number }
    | { t: 'tick' };
  const node = fc.integer({ min: 0, max: 3 });
  const stepArb: fc.Arbitrary<Step> = fc.oneof(
    fc.record({
      t: fc.constant('announce' as const),
      node,
      sequence: fc.integer({ min: 0, max: 20 }),
      state: fc.constantFrom(
        NodeState.ONLINE,
        NodeState.SCHEDULED_SHUTDOWN,
        NodeState.OFFLINE,
        NodeState.EMERGENCY_SHUTDOWN,
      ),
      bad: fc.boolean(),
    }),
    fc.record({ t: fc.constant('heartbeat' as const), node }),
    fc.record({ t: fc.constant('fail' as const), node }),
    fc.record({ t: fc.constant('outcome' as const), node, success: fc.boolean() }),
    fc.record({ t: fc.constant('forget' as const), node }),
    fc.constant({ t: 'tick' as const }),
  );

  it('rejects atomically and only moves along reachable transitions', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(stepArb, fc.integer({ min: 0, max: 400_000 })), { maxLength: 50 }),
        (steps) => {
          const registry = new NodeRegistry({ now: 0 });
          const states = new Map<GuidV4, NodeState>();
          let now = 0;
          for (const [step, delta] of steps) {
            now += delta;
            const before = JSON.stringify(registry.list());
            const id = IDS['node' in step ? step.node : 0] as GuidV4;
            try {
              if (step.t === 'announce') {
                const status =
                  step.state === NodeState.SCHEDULED_SHUTDOWN || step.state === NodeState.OFFLINE
                    ? {
                        state: step.state,
                        plannedDowntime: { start: new Date(now), expectedDuration: 1000, permanent: false },
                      }
                    : { state: step.state };
                const input = announcement(
                  id,
                  step.sequence,
                  step.bad ? { ...status, credits: 0.5 } : status,
                );
                registry.announce(input, now);
              } else if (step.t === 'heartbeat') registry.heartbeat(id, now);
              else if (step.t === 'fail') registry.reportFailure(id, now, 'dead');
              else if (step.t === 'outcome')
                registry.recordOutcome(id, { kind: 'replication', success: step.success }, now);
              else if (step.t === 'forget') registry.forget(id, now);
              else registry.tick(now);
            } catch (error) {
              if (!BrightChainError.isInstance(error)) throw error;
              expect(JSON.stringify(registry.list())).toBe(before);
              expect(registry.hasReady()).toBe(false);
              continue;
            }
            for (const event of registry.ready().events) {
              if (event.type === 'nodeDiscovered') states.set(event.nodeId, event.state);
              if (event.type === 'nodeForgotten') states.delete(event.nodeId);
              if (event.type !== 'stateChanged') continue;
              expect(states.get(event.nodeId)).toBe(event.from);
              expect(event.from).not.toBe(NodeState.PERMANENTLY_OFFLINE);
              expect(event.from).not.toBe(event.to);
              states.set(event.nodeId, event.to);
            }
            for (const registered of registry.list()) {
              expect(registered.status.state).toBe(states.get(registered.nodeId));
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
