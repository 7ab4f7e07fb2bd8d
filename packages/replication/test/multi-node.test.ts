import { NodeLifecycle, NodeState, type ShutdownRequest } from '@brightchain/node-state';
import { T0 } from './fixtures';
import { NetworkHarness } from './network-harness';

describe('20 nodes × 500 blocks, every node with its own index and scheduler', () => {
  test('two nodes lost for good: every block back at target, zero duplicate repairs', () => {
    const net = new NetworkHarness({ nodes: 20, regions: 4, blocks: 500, copies: 3, seed: 'lose-two' });
    net.runUntil(1_000);
    expect(net.eventsOf('jobStarted')).toHaveLength(0);
    const lost = [net.nodes[3]!, net.nodes[11]!];
    const missing = net
      .blockStates()
      .map((b) => lost.filter((n) => n.index.holdersOf(b.hex).some((h) => h.holder === n.id)).length)
      .reduce((a, b) => a + b, 0);
    for (const node of lost) net.setState(node.id, NodeState.PERMANENTLY_OFFLINE);
    // Same view everywhere: every under-replicated block is queued by exactly one scheduler.
    net.tickAll();
    const queuers = new Map<string, number>();
    for (const { event } of net.events) {
      if (event.type === 'jobQueued')
        queuers.set(event.job.blockHex, (queuers.get(event.job.blockHex) ?? 0) + 1);
    }
    const under = net.nodes.find((n) => n.alive)!.index.underReplicated();
    expect(under.length).toBeGreaterThan(50);
    expect(under.map((h) => queuers.get(h.blockId))).toEqual(under.map(() => 1));
    net.runUntil(120_000);
    const states = net.blockStates();
    expect(states.filter((b) => b.copies !== 3)).toEqual([]);
    expect(states.filter((b) => b.regions < 2)).toEqual([]);
    expect([...net.maxConcurrentJobsPerBlock.values()].every((n) => n === 1)).toBe(true);
    const copies = [...net.copiesStarted.values()].reduce((a, b) => a + b, 0);
    expect(missing).toBeGreaterThan(100);
    expect(copies).toBe(missing);
    expect(net.eventsOf('jobFailed')).toHaveLength(0);
    expect(net.eventsOf('trimStarted')).toHaveLength(0);
    for (const node of net.nodes) if (node.alive) expect(node.scheduler.stats.active).toBe(0);
  });
});

describe('repair delay, failures and predicted failure across the network', () => {
  test('a node merely OFFLINE is not replaced before the repair delay; then it is, once', () => {
    const net = new NetworkHarness({ nodes: 16, regions: 4, blocks: 200, copies: 3, seed: 'offline' });
    net.runUntil(1_000);
    const down = net.nodes[5]!;
    const held = net
      .blockStates()
      .filter((b) => down.index.holdersOf(b.hex).some((h) => h.holder === down.id)).length;
    net.setState(down.id, NodeState.OFFLINE);
    net.runUntil(1_000 + 59_000);
    expect(net.eventsOf('jobStarted')).toHaveLength(0);
    net.runUntil(1_000 + 180_000);
    expect(net.blockStates().filter((b) => b.copies !== 3)).toEqual([]);
    expect([...net.copiesStarted.values()].reduce((a, b) => a + b, 0)).toBe(held);
    expect([...net.maxConcurrentJobsPerBlock.values()].every((n) => n === 1)).toBe(true);
  });

  test('a node back within the delay causes no repair at all', () => {
    const net = new NetworkHarness({ nodes: 12, regions: 3, blocks: 200, copies: 3, seed: 'blip' });
    net.runUntil(1_000);
    const node = net.nodes[2]!;
    net.setState(node.id, NodeState.OFFLINE);
    net.runUntil(30_000);
    node.alive = true;
    net.setState(node.id, NodeState.ONLINE);
    net.runUntil(300_000);
    expect(net.eventsOf('jobQueued')).toHaveLength(0);
    expect(net.blockStates().filter((b) => b.copies !== 3)).toEqual([]);
  });

  test('with 20 % of transfers failing, retries and alternative targets still converge without duplicates', () => {
    const net = new NetworkHarness({
      nodes: 16,
      regions: 4,
      blocks: 200,
      copies: 3,
      seed: 'flaky',
      failureRate: 0.2,
      scheduler: { backoff: { maxAttempts: 10 } },
    });
    net.runUntil(1_000);
    net.setState(net.nodes[0]!.id, NodeState.PERMANENTLY_OFFLINE);
    net.setState(net.nodes[7]!.id, NodeState.PERMANENTLY_OFFLINE);
    net.runUntil(900_000);
    expect(net.eventsOf('jobFailed').length).toBeGreaterThan(0);
    expect(net.blockStates().filter((b) => b.copies !== 3)).toEqual([]);
    expect([...net.maxConcurrentJobsPerBlock.values()].every((n) => n === 1)).toBe(true);
    for (const failed of net.eventsOf('jobFailed')) {
      const later = net
        .eventsOf('jobStarted')
        .filter(
          (s) => s.job.blockHex === failed.job.blockHex && s.at > failed.at && s.at < failed.at + 600_000,
        );
      for (const retry of later) {
        for (const f of failed.failedTargets) expect(retry.job.targetNodes).not.toContain(f.node);
      }
    }
  });
});

describe('shutdown drain and predicted failure across the network', () => {
  test('a drained node leaves with every block at target; node-state lets it go OFFLINE', () => {
    const net = new NetworkHarness({ nodes: 12, regions: 4, blocks: 200, copies: 3, seed: 'drain' });
    net.runUntil(1_000);
    const leaving = net.nodes[9]!;
    const held = leaving.index.blocksHeldBy(leaving.id);
    expect(held.length).toBeGreaterThan(20);
    const request: ShutdownRequest = {
      nodeId: leaving.id,
      shutdownTime: new Date(net.now + 600_000),
      permanent: true,
      affectedBlocks: held.map((hex, i) => ({
        blockId: Uint8Array.from(Buffer.from(hex, 'hex')),
        priority: i % 4,
        replicationStatus: 'PENDING' as const,
      })),
    };
    const lifecycle = new NodeLifecycle({ nodeId: leaving.id, now: T0 });
    lifecycle.announceShutdown(request, net.now);
    leaving.scheduler.startDrain(request);
    net.setState(leaving.id, NodeState.SCHEDULED_SHUTDOWN);
    net.runUntil(300_000);
    const progressed = net.events.filter((e) => e.event.type === 'drainProgressed');
    expect(progressed.every((e) => e.node === leaving.id)).toBe(true);
    for (const { event } of progressed) {
      if (event.type === 'drainProgressed') lifecycle.updateBlock(event.blockId, event.to, net.now);
    }
    expect(lifecycle.drainProgress).toEqual({
      total: held.length,
      pending: 0,
      inProgress: 0,
      completed: held.length,
    });
    expect(net.eventsOf('drainCompleted')).toHaveLength(1);
    lifecycle.goOffline(net.now);
    expect(lifecycle.state).toBe(NodeState.PERMANENTLY_OFFLINE);
    net.setState(leaving.id, NodeState.PERMANENTLY_OFFLINE);
    expect(net.blockStates().filter((b) => b.copies < 3)).toEqual([]);
    const started = net.eventsOf('jobStarted');
    expect(started.every((s) => s.job.trigger === 'SHUTDOWN_DRAIN' && s.job.source === leaving.id)).toBe(
      true,
    );
    expect([...net.maxConcurrentJobsPerBlock.values()].every((n) => n === 1)).toBe(true);
    // Lowest durability first: jobs started in non-decreasing order of remaining copies per tick.
    const firstTick = started.filter((s) => s.at === started[0]!.at).map((s) => s.job.remainingCopies);
    expect(firstTick).toEqual([...firstTick].sort((a, b) => a - b));
    net.runUntil(400_000);
    expect(net.eventsOf('jobStarted')).toHaveLength(started.length);
  });

  test('a suspected node gets pre-emptive copies, exactly one per block it holds', () => {
    const net = new NetworkHarness({ nodes: 12, regions: 4, blocks: 200, copies: 3, seed: 'suspect' });
    net.runUntil(1_000);
    const suspect = net.nodes[4]!;
    const held = suspect.index.blocksHeldBy(suspect.id).length;
    for (const node of net.nodes) node.scheduler.setSuspected(suspect.id, true);
    net.runUntil(120_000);
    const started = net.eventsOf('jobStarted');
    expect(started.every((s) => s.job.trigger === 'PREDICTED_FAILURE' && s.job.source !== suspect.id)).toBe(
      true,
    );
    expect(started.reduce((n, s) => n + s.job.targetNodes.length, 0)).toBe(held);
    expect([...net.maxConcurrentJobsPerBlock.values()].every((n) => n === 1)).toBe(true);
    net.setState(suspect.id, NodeState.PERMANENTLY_OFFLINE);
    net.runUntil(240_000);
    expect(net.eventsOf('jobStarted')).toHaveLength(started.length);
    expect(net.blockStates().filter((b) => b.copies !== 3)).toEqual([]);
  });

  test('partitioned schedulers do not repair; they do once the partition heals', () => {
    const net = new NetworkHarness({ nodes: 12, regions: 3, blocks: 200, copies: 3, seed: 'partition' });
    net.runUntil(1_000);
    for (const node of net.nodes) node.scheduler.setPartitioned(true);
    net.setState(net.nodes[1]!.id, NodeState.PERMANENTLY_OFFLINE);
    net.runUntil(200_000);
    expect(net.eventsOf('jobQueued')).toHaveLength(0);
    for (const node of net.nodes) if (node.alive) node.scheduler.setPartitioned(false);
    net.runUntil(400_000);
    expect(net.blockStates().filter((b) => b.copies !== 3)).toEqual([]);
  });
});
