import {
  DEFAULT_DOWN_OUT_INTERVAL_MS,
  NodeLifecycle,
  type NodeLifecycleEvent,
  type NodeLifecycleRecord,
  NodeState,
  defaultNodeCapabilities,
  downOutDeadline,
  initialReliability,
} from '@brightchain/node-state';
import { blockId, expectCode, issuePaths, nodeIds, shutdownRequest } from './node-fixtures';

const [NODE, OTHER] = nodeIds(2, 'lifecycle') as [
  ReturnType<typeof nodeIds>[number],
  ReturnType<typeof nodeIds>[number],
];

function drain(lifecycle: NodeLifecycle, count: number, now: number): void {
  for (let i = 0; i < count; i++) {
    lifecycle.updateBlock(blockId(i), 'IN_PROGRESS', now);
    lifecycle.updateBlock(blockId(i), 'COMPLETED', now);
  }
}

function stateChanges(events: readonly NodeLifecycleEvent[]) {
  return events
    .filter((e) => e.type === 'stateChanged')
    .map((e) => e.type === 'stateChanged' && [e.from, e.to, e.at]);
}

describe('NodeLifecycle: graceful shutdown', () => {
  it('announces, drains, and goes offline at the shutdown time', () => {
    const lifecycle = new NodeLifecycle({ nodeId: NODE, now: 0 });
    lifecycle.announceShutdown(
      shutdownRequest(NODE, { at: 10_000, blocks: 2, expectedDuration: 60_000 }),
      100,
    );
    let batch = lifecycle.ready();
    expect(batch.events.map((e) => e.type)).toEqual(['stateChanged', 'shutdownAnnounced']);
    expect(batch.events[0]).toMatchObject({
      from: 'ONLINE',
      to: 'SCHEDULED_SHUTDOWN',
      at: 100,
      nodeId: NODE,
    });
    expect(batch.persist).toHaveLength(1);
    expect(lifecycle.plannedDowntime).toEqual({
      start: new Date(10_000),
      expectedDuration: 60_000,
      permanent: false,
    });
    // The announced request lists blocks in drain order: highest priority first.
    const announced = batch.events[1];
    expect(
      announced?.type === 'shutdownAnnounced' && announced.request.affectedBlocks.map((b) => b.priority),
    ).toEqual([1, 0]);

    lifecycle.updateBlock(blockId(1), 'IN_PROGRESS', 200);
    lifecycle.updateBlock(blockId(1), 'COMPLETED', 300);
    expect(lifecycle.drainProgress).toEqual({ total: 2, pending: 1, inProgress: 0, completed: 1 });
    lifecycle.updateBlock(blockId(0), 'IN_PROGRESS', 400);
    lifecycle.updateBlock(blockId(0), 'COMPLETED', 500);
    batch = lifecycle.ready();
    expect(batch.events.map((e) => e.type)).toEqual([
      'blockDrainProgressed',
      'blockDrainProgressed',
      'blockDrainProgressed',
      'blockDrainProgressed',
      'drainCompleted',
    ]);
    expect(batch.persist).toHaveLength(4);

    lifecycle.tick(9_999);
    expect(lifecycle.state).toBe(NodeState.SCHEDULED_SHUTDOWN);
    lifecycle.tick(50_000); // late tick: the transition is stamped at the shutdown time
    batch = lifecycle.ready();
    expect(stateChanges(batch.events)).toEqual([['SCHEDULED_SHUTDOWN', 'OFFLINE', 10_000]]);
    // Down-out counts from the expected return: max(start, offline) + expectedDuration + 600 s.
    expect(lifecycle.downOutDeadline).toBe(10_000 + 60_000 + DEFAULT_DOWN_OUT_INTERVAL_MS);
    lifecycle.tick(669_999);
    expect(lifecycle.state).toBe(NodeState.OFFLINE);
    lifecycle.tick(670_000);
    expect(lifecycle.state).toBe(NodeState.PERMANENTLY_OFFLINE);
    expect(stateChanges(lifecycle.ready().events)).toEqual([['OFFLINE', 'PERMANENTLY_OFFLINE', 670_000]]);
  });

  it('refuses to go offline with undrained blocks unless forced, and records why', () => {
    const lifecycle = new NodeLifecycle({ nodeId: NODE, now: 0 });
    lifecycle.announceShutdown(shutdownRequest(NODE, { blocks: 3 }), 1);
    lifecycle.updateBlock(blockId(2), 'IN_PROGRESS', 2);
    lifecycle.ready();
    const before = lifecycle.snapshot();
    const error = expectCode(() => lifecycle.goOffline(3), 'BC_NODE_DRAIN_INCOMPLETE');
    expect(error.details).toMatchObject({ total: 3, pending: 2, inProgress: 1, completed: 0 });
    expect(lifecycle.snapshot()).toEqual(before);
    expect(lifecycle.hasReady()).toBe(false);
    expectCode(() => lifecycle.goOffline(3, { force: { reason: '' } }), 'BC_NODE_COMMAND_INVALID');

    lifecycle.goOffline(4, { force: { reason: 'hardware replacement cannot wait' } });
    const events = lifecycle.ready().events;
    const abandoned = events.find((e) => e.type === 'drainAbandoned');
    expect(abandoned?.type === 'drainAbandoned' && abandoned.blocks.map((b) => b.priority)).toEqual([
      2, 1, 0,
    ]);
    const change = events.find((e) => e.type === 'stateChanged');
    expect(change).toMatchObject({
      from: 'SCHEDULED_SHUTDOWN',
      to: 'OFFLINE',
      forced: { reason: 'hardware replacement cannot wait', undrainedBlocks: 3 },
    });
  });

  it('reports an overdue shutdown once and waits', () => {
    const lifecycle = new NodeLifecycle({ nodeId: NODE, now: 0 });
    lifecycle.announceShutdown(shutdownRequest(NODE, { at: 1_000, blocks: 1 }), 0);
    lifecycle.ready();
    lifecycle.tick(1_000);
    lifecycle.tick(2_000);
    const overdue = lifecycle.ready().events;
    expect(overdue).toEqual([
      {
        type: 'shutdownOverdue',
        nodeId: NODE,
        progress: { total: 1, pending: 1, inProgress: 0, completed: 0 },
        at: 1_000,
      },
    ]);
    drain(lifecycle, 1, 3_000);
    lifecycle.tick(3_500);
    expect(stateChanges(lifecycle.ready().events)).toEqual([['SCHEDULED_SHUTDOWN', 'OFFLINE', 3_000]]);
  });

  it('goes straight through OFFLINE to PERMANENTLY_OFFLINE for a permanent shutdown', () => {
    const lifecycle = new NodeLifecycle({ nodeId: NODE, now: 0 });
    lifecycle.announceShutdown(shutdownRequest(NODE, { blocks: 1, permanent: true }), 5);
    expect(lifecycle.plannedDowntime).toEqual({
      start: new Date(10_000),
      expectedDuration: 0,
      permanent: true,
    });
    drain(lifecycle, 1, 6);
    lifecycle.ready();
    lifecycle.goOffline(7);
    expect(stateChanges(lifecycle.ready().events)).toEqual([
      ['SCHEDULED_SHUTDOWN', 'OFFLINE', 7],
      ['OFFLINE', 'PERMANENTLY_OFFLINE', 7],
    ]);
  });

  it('cancels a shutdown and can announce again', () => {
    const lifecycle = new NodeLifecycle({ nodeId: NODE, now: 0 });
    lifecycle.announceShutdown(shutdownRequest(NODE), 1);
    lifecycle.cancelShutdown(2, 'maintenance postponed');
    expect(lifecycle.state).toBe(NodeState.ONLINE);
    expect(lifecycle.plannedDowntime).toBeUndefined();
    expect(lifecycle.shutdown).toBeUndefined();
    expectCode(() => lifecycle.updateBlock(blockId(0), 'IN_PROGRESS', 3), 'BC_NODE_SHUTDOWN_NOT_ANNOUNCED');
    expectCode(() => lifecycle.cancelShutdown(3, 'again'), 'BC_NODE_SHUTDOWN_NOT_ANNOUNCED');
    lifecycle.announceShutdown(shutdownRequest(NODE, { blocks: 0 }), 4);
    expect(lifecycle.ready().events.map((e) => e.type)).toEqual([
      'stateChanged',
      'shutdownAnnounced',
      'stateChanged',
      'shutdownCancelled',
      'stateChanged',
      'shutdownAnnounced',
      'drainCompleted',
    ]);
  });

  it('rejects bad block progress without changing anything', () => {
    const lifecycle = new NodeLifecycle({ nodeId: NODE, now: 0 });
    lifecycle.announceShutdown(shutdownRequest(NODE, { blocks: 1 }), 1);
    lifecycle.ready();
    const before = lifecycle.snapshot();
    expectCode(() => lifecycle.updateBlock(blockId(0), 'COMPLETED', 2), 'BC_NODE_BLOCK_STATUS_INVALID');
    expectCode(() => lifecycle.updateBlock(blockId(0), 'PENDING', 2), 'BC_NODE_BLOCK_STATUS_INVALID');
    expectCode(() => lifecycle.updateBlock(blockId(99), 'IN_PROGRESS', 2), 'BC_NODE_BLOCK_UNKNOWN');
    expectCode(() => lifecycle.updateBlock(blockId(0), 'IN_PROGRESS', 0), 'BC_NODE_TIME_INVALID');
    expect(lifecycle.snapshot()).toEqual(before);
    lifecycle.updateBlock(blockId(0), 'IN_PROGRESS', 2);
    expectCode(() => lifecycle.updateBlock(blockId(0), 'IN_PROGRESS', 3), 'BC_NODE_BLOCK_STATUS_INVALID');
    lifecycle.updateBlock(blockId(0), 'COMPLETED', 3);
    expectCode(() => lifecycle.updateBlock(blockId(0), 'COMPLETED', 4), 'BC_NODE_BLOCK_STATUS_INVALID');
  });

  it('rejects a malformed request or one for another node', () => {
    const lifecycle = new NodeLifecycle({ nodeId: NODE, now: 0 });
    const wrongNode = expectCode(
      () => lifecycle.announceShutdown(shutdownRequest(OTHER), 1),
      'BC_NODE_SHUTDOWN_INVALID',
    );
    expect(issuePaths(wrongNode)).toEqual(['nodeId']);
    expectCode(
      () => lifecycle.announceShutdown({ ...shutdownRequest(NODE), shutdownTime: new Date(Number.NaN) }, 1),
      'BC_NODE_SHUTDOWN_INVALID',
    );
    expect(lifecycle.state).toBe(NodeState.ONLINE);
    expect(lifecycle.hasReady()).toBe(false);
  });
});

describe('NodeLifecycle: emergency shutdown', () => {
  it('goes offline at once, requires recovery, abandons an in-progress drain', () => {
    const lifecycle = new NodeLifecycle({ nodeId: NODE, now: 0 });
    lifecycle.announceShutdown(shutdownRequest(NODE, { blocks: 2 }), 1);
    lifecycle.ready();
    lifecycle.emergencyShutdown(2, { reason: 'disk controller failed' });
    const events = lifecycle.ready().events;
    expect(events.map((e) => e.type)).toEqual([
      'stateChanged',
      'drainAbandoned',
      'recoveryRequired',
      'stateChanged',
    ]);
    expect(stateChanges(events)).toEqual([
      ['SCHEDULED_SHUTDOWN', 'EMERGENCY_SHUTDOWN', 2],
      ['EMERGENCY_SHUTDOWN', 'OFFLINE', 2],
    ]);
    expect(events[2]).toEqual({
      type: 'recoveryRequired',
      nodeId: NODE,
      reason: 'disk controller failed',
      permanent: false,
      at: 2,
    });
    expect(lifecycle.plannedDowntime).toBeUndefined();
    expect(lifecycle.downOutDeadline).toBe(2 + DEFAULT_DOWN_OUT_INTERVAL_MS);
  });

  it('keeps a grace period, ends it on tick or when the node stops, and can be called off', () => {
    const a = new NodeLifecycle({ nodeId: NODE, now: 0 });
    a.emergencyShutdown(10, { reason: 'UPS on battery', graceMs: 30_000 });
    a.tick(30_009);
    expect(a.state).toBe(NodeState.EMERGENCY_SHUTDOWN);
    a.tick(40_000);
    expect(a.state).toBe(NodeState.OFFLINE);
    expect(stateChanges(a.ready().events).at(-1)).toEqual(['EMERGENCY_SHUTDOWN', 'OFFLINE', 30_010]);

    const b = new NodeLifecycle({ nodeId: NODE, now: 0 });
    b.emergencyShutdown(10, { reason: 'UPS on battery', graceMs: 30_000 });
    b.goOffline(20);
    expect(b.state).toBe(NodeState.OFFLINE);

    const c = new NodeLifecycle({ nodeId: NODE, now: 0 });
    c.emergencyShutdown(10, { reason: 'UPS on battery', graceMs: 30_000 });
    c.comeOnline(20, 'mains power restored');
    expect(c.state).toBe(NodeState.ONLINE);
    c.tick(100_000);
    expect(c.state).toBe(NodeState.ONLINE);
  });

  it('a permanent emergency ends PERMANENTLY_OFFLINE', () => {
    const lifecycle = new NodeLifecycle({ nodeId: NODE, now: 0 });
    lifecycle.emergencyShutdown(1, { reason: 'fire', permanent: true });
    expect(lifecycle.state).toBe(NodeState.PERMANENTLY_OFFLINE);
  });

  it('validates its options', () => {
    const lifecycle = new NodeLifecycle({ nodeId: NODE, now: 0 });
    expectCode(() => lifecycle.emergencyShutdown(1, { reason: ' ' }), 'BC_NODE_COMMAND_INVALID');
    expectCode(() => lifecycle.emergencyShutdown(1, { reason: 'x', graceMs: -1 }), 'BC_NODE_COMMAND_INVALID');
    expectCode(
      () => lifecycle.emergencyShutdown(1, { reason: 'x', graceMs: 0.5 }),
      'BC_NODE_COMMAND_INVALID',
    );
    expect(lifecycle.state).toBe(NodeState.ONLINE);
  });
});

describe('NodeLifecycle: down-out interval', () => {
  it('defaults to 600 s and is configurable; returning in time cancels it', () => {
    const make = (downOutIntervalMs?: number) => {
      const l = new NodeLifecycle({
        nodeId: NODE,
        now: 0,
        ...(downOutIntervalMs === undefined ? {} : { downOutIntervalMs }),
      });
      l.emergencyShutdown(1_000, { reason: 'crash' });
      return l;
    };
    const standard = make();
    standard.tick(600_999);
    expect(standard.state).toBe(NodeState.OFFLINE);
    standard.tick(601_000);
    expect(standard.state).toBe(NodeState.PERMANENTLY_OFFLINE);

    const short = make(5_000);
    short.tick(6_000);
    expect(short.state).toBe(NodeState.PERMANENTLY_OFFLINE);

    const back = make();
    back.comeOnline(300_000, 'rebooted');
    back.tick(10_000_000);
    expect(back.state).toBe(NodeState.ONLINE);
    expectCode(
      () => new NodeLifecycle({ nodeId: NODE, now: 0, downOutIntervalMs: -1 }),
      'BC_NODE_COMMAND_INVALID',
    );
  });

  it('computes the deadline from the announced downtime', () => {
    const planned = { start: new Date(10_000), expectedDuration: 5_000, permanent: false };
    expect(downOutDeadline(8_000, 600_000)).toBe(608_000);
    expect(downOutDeadline(8_000, 600_000, planned)).toBe(615_000); // went early: counts from the start
    expect(downOutDeadline(20_000, 600_000, planned)).toBe(625_000); // went late: counts from going offline
    expect(downOutDeadline(8_000, 600_000, { ...planned, permanent: true })).toBe(608_000);
  });

  it('retire() is an operator shortcut from OFFLINE only', () => {
    const lifecycle = new NodeLifecycle({ nodeId: NODE, now: 0 });
    expectCode(() => lifecycle.retire(1, 'x'), 'BC_NODE_TRANSITION_ILLEGAL');
    lifecycle.emergencyShutdown(1, { reason: 'crash' });
    lifecycle.retire(2, 'machine scrapped');
    expect(lifecycle.state).toBe(NodeState.PERMANENTLY_OFFLINE);
    expect(lifecycle.downOutDeadline).toBeUndefined();
    expectCode(() => lifecycle.comeOnline(3, 'back?'), 'BC_NODE_TRANSITION_ILLEGAL');
  });
});

describe('NodeLifecycle: time, status and persistence', () => {
  it('rejects non-finite and backwards time', () => {
    expectCode(() => new NodeLifecycle({ nodeId: NODE, now: Number.NaN }), 'BC_NODE_TIME_INVALID');
    expectCode(
      () => new NodeLifecycle({ nodeId: 'not-a-guid' as typeof NODE, now: 0 }),
      'BC_NODE_COMMAND_INVALID',
    );
    const lifecycle = new NodeLifecycle({ nodeId: NODE, now: 100 });
    expectCode(() => lifecycle.tick(99), 'BC_NODE_TIME_INVALID');
    expectCode(() => lifecycle.tick(Number.POSITIVE_INFINITY), 'BC_NODE_TIME_INVALID');
    lifecycle.tick(100);
    expect(lifecycle.now).toBe(100);
  });

  it('builds its own NodeStatus', () => {
    const lifecycle = new NodeLifecycle({ nodeId: NODE, now: 0 });
    lifecycle.announceShutdown(shutdownRequest(NODE, { expectedDuration: 1_000 }), 50);
    const status = lifecycle.nodeStatus({
      storageMetrics: { totalSpace: 100, usedSpace: 10, reservedSpace: 0 },
      reliability: initialReliability(),
      capabilities: defaultNodeCapabilities('storage'),
      credits: 42,
    });
    expect(status.state).toBe('SCHEDULED_SHUTDOWN');
    expect(status.lastSeen).toEqual(new Date(50));
    expect(status.plannedDowntime).toEqual({
      start: new Date(10_000),
      expectedDuration: 1_000,
      permanent: false,
    });
    expect(status.credits).toBe(42);
    expect(status.score.standing).toBe('unvetted');
  });

  it('restores from any persisted record and carries on identically', () => {
    const lifecycle = new NodeLifecycle({ nodeId: NODE, now: 0 });
    lifecycle.announceShutdown(shutdownRequest(NODE, { blocks: 2, at: 1_000 }), 10);
    lifecycle.updateBlock(blockId(0), 'IN_PROGRESS', 20);
    lifecycle.tick(1_500);
    const records = lifecycle.ready().persist;
    const last = records.at(-1) as NodeLifecycleRecord;
    expect(last.shutdown?.overdueReported).toBe(true);
    const twin = NodeLifecycle.restore(JSON.parse(JSON.stringify(last), reviveBytes));
    for (const l of [lifecycle, twin]) {
      l.updateBlock(blockId(0), 'COMPLETED', 2_000);
      l.updateBlock(blockId(1), 'IN_PROGRESS', 2_000);
      l.updateBlock(blockId(1), 'COMPLETED', 2_100);
      l.tick(3_000);
    }
    expect(twin.snapshot()).toEqual(lifecycle.snapshot());
    expect(twin.ready().events).toEqual(lifecycle.ready().events);
  });

  it('rejects malformed or inconsistent records', () => {
    const good = new NodeLifecycle({ nodeId: NODE, now: 0 }).snapshot();
    const cases: unknown[] = [
      null,
      { ...good, version: 2 },
      { ...good, nodeId: 'x' },
      { ...good, state: 'SLEEPING' },
      { ...good, since: 10, now: 5 },
      { ...good, downOutIntervalMs: -5 },
      { ...good, state: 'OFFLINE' }, // no down-out deadline
      { ...good, downOutDeadline: 5 }, // deadline while ONLINE
      { ...good, state: 'EMERGENCY_SHUTDOWN' }, // no emergency
      { ...good, state: 'SCHEDULED_SHUTDOWN' }, // no shutdown
      {
        ...good,
        state: 'SCHEDULED_SHUTDOWN',
        plannedDowntime: { start: 0, expectedDuration: 0, permanent: false },
        shutdown: { request: { ...shutdownRequest(OTHER) }, overdueReported: false },
      },
    ];
    for (const record of cases)
      expectCode(() => NodeLifecycle.restore(record as NodeLifecycleRecord), 'BC_NODE_RECORD_INVALID');
  });
});

/** JSON reviver for the test's round trip: Uint8Array and Date come back from their JSON forms. */
function reviveBytes(key: string, value: unknown): unknown {
  if (key === 'shutdownTime' && typeof value === 'string') return new Date(value);
  if (key === 'blockId' && typeof value === 'object' && value !== null) {
    return Uint8Array.from(Object.values(value as Record<string, number>));
  }
  return value;
}
