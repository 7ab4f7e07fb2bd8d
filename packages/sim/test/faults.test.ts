import { BrightChainError, utf8Bytes } from '@brightchain/core';
import { type LinkConfig, SimErrorCode, Simulation, type SimulationOptions } from '@brightchain/sim';
import { type PingMachine, Recorder, type RecordingOptions } from './recording-protocol';

const CONSTANT_10: LinkConfig = { latency: { kind: 'constant', ms: 10 } };

function setup(
  nodes: number,
  options: Partial<SimulationOptions<PingMachine>> = {},
  recording: RecordingOptions = {},
): { sim: Simulation<PingMachine>; rec: Recorder } {
  const rec = new Recorder(recording);
  const sim = new Simulation<PingMachine>({
    seed: 1,
    nodes,
    protocol: rec.protocol,
    link: CONSTANT_10,
    ...options,
  });
  rec.sim = sim;
  return { sim, rec };
}

describe('crash and restart', () => {
  it('a crashed node sends nothing and receives nothing until it restarts', () => {
    const { sim, rec } = setup(3);
    sim.run(1000);
    sim.crash(0);
    const sentAtCrash = sim.node(0).sent;
    expect(sim.node(0).state).toBe('crashed');
    expect(sim.node(0).machine).toBeUndefined();
    sim.run(5000);
    expect(sim.node(0).sent).toBe(sentAtCrash);
    // In-flight messages sent before the crash may still land elsewhere, but nothing after +latency.
    expect(rec.deliveries.filter((d) => d.from === 0 && d.at > 1000 + 10)).toEqual([]);
    expect(rec.deliveries.filter((d) => d.to === 0 && d.at > 1000)).toEqual([]);
    expect(sim.stats().network.droppedNodeDown).toBeGreaterThan(0);
    sim.restart(0);
    sim.run(6000);
    expect(sim.node(0).sent).toBeGreaterThan(sentAtCrash);
    expect(rec.deliveries.some((d) => d.to === 0 && d.at > 5000)).toBe(true);
    expect(sim.node(0).incarnation).toBe(2);
  });

  it('rejects lifecycle operations that do not fit the state, without changing it', () => {
    const { sim } = setup(2);
    expect(() => sim.restart(0)).toThrow(expect.objectContaining({ code: SimErrorCode.NODE_STATE }));
    sim.crash(0);
    expect(() => sim.crash(0)).toThrow(expect.objectContaining({ code: SimErrorCode.NODE_STATE }));
    expect(() => sim.pause(0, 100)).toThrow(expect.objectContaining({ code: SimErrorCode.NODE_STATE }));
    expect(() => sim.shutdown(0)).toThrow(expect.objectContaining({ code: SimErrorCode.NODE_STATE }));
    expect(() => sim.crash(5)).toThrow(expect.objectContaining({ code: SimErrorCode.NODE_UNKNOWN }));
    expect(() => sim.pause(1, -1)).toThrow(expect.objectContaining({ code: SimErrorCode.OPTIONS_INVALID }));
    expect(sim.stateOfNode(0)).toBe('crashed');
    expect(sim.stateOfNode(1)).toBe('up');
  });

  it('loses unflushed writes on crash and keeps flushed ones; a torn log tail is discarded', () => {
    const { sim } = setup(1);
    const store = sim.node(0).store;
    if (store === undefined) throw new Error('no store');
    store.write([{ type: 'put', key: utf8Bytes('durable'), value: Uint8Array.of(1) }]);
    store.append('log', Uint8Array.of(1, 2, 3));
    store.flush();
    store.write([{ type: 'put', key: utf8Bytes('volatile'), value: Uint8Array.of(2) }]);
    store.append('log', Uint8Array.of(4, 5, 6, 7, 8, 9));
    sim.crash(0, { tornBytes: 5 });
    expect(store.closed).toBe(true);
    sim.restart(0);
    const reopened = sim.node(0).store;
    expect(reopened?.get(utf8Bytes('durable'))).toEqual(Uint8Array.of(1));
    expect(reopened?.get(utf8Bytes('volatile'))).toBeUndefined();
    expect(reopened?.logLength('log')).toBe(1);
  });

  it('disk loss wipes the store; the node restarts empty', () => {
    const { sim } = setup(1);
    const store = sim.node(0).store;
    store?.write([{ type: 'put', key: utf8Bytes('k'), value: Uint8Array.of(1) }]);
    store?.flush();
    sim.loseDisk(0);
    expect(sim.stateOfNode(0)).toBe('crashed');
    sim.restart(0);
    expect(sim.node(0).store?.get(utf8Bytes('k'))).toBeUndefined();
  });

  it('graceful shutdown flushes and closes the store; restart recovers it', () => {
    const { sim } = setup(1);
    sim.node(0).store?.write([{ type: 'put', key: utf8Bytes('k'), value: Uint8Array.of(7) }]);
    sim.shutdown(0);
    expect(sim.stateOfNode(0)).toBe('stopped');
    sim.restart(0);
    expect(sim.node(0).store?.get(utf8Bytes('k'))).toEqual(Uint8Array.of(7));
  });
});

describe('partitions', () => {
  it('delivers nothing across a two-way partition and resumes after heal', () => {
    const { sim, rec } = setup(4);
    sim.run(1000);
    const cut = sim.network.partition([
      [0, 1],
      [2, 3],
    ]);
    sim.run(3000);
    sim.network.heal(cut);
    sim.run(5000);
    const crossing = (d: { from: number; to: number }) => d.from < 2 !== d.to < 2;
    // Messages in flight at the cut are dropped on arrival too.
    expect(rec.deliveries.filter((d) => crossing(d) && d.at >= 1000 && d.at < 3000)).toEqual([]);
    expect(rec.deliveries.filter((d) => !crossing(d) && d.at >= 1000 && d.at < 3000).length).toBeGreaterThan(
      0,
    );
    expect(rec.deliveries.filter((d) => crossing(d) && d.at >= 3000).length).toBeGreaterThan(0);
    expect(sim.stats().network.droppedPartition).toBeGreaterThan(0);
  });

  it('a one-way partition blocks only one direction', () => {
    const { sim, rec } = setup(2);
    sim.network.partition([[0], [1]], { oneWay: true });
    sim.run(2000);
    expect(rec.between(0, 1)).toEqual([]);
    expect(rec.between(1, 0).length).toBeGreaterThan(10);
    expect(sim.network.isBlocked(0, 1)).toBe(true);
    expect(sim.network.isBlocked(1, 0)).toBe(false);
  });

  it('nodes in no group form their own group', () => {
    const { sim, rec } = setup(3);
    sim.network.partition([[0]]);
    sim.run(1000);
    expect(rec.between(0, 1)).toEqual([]);
    expect(rec.between(2, 0)).toEqual([]);
    expect(rec.between(1, 2).length).toBeGreaterThan(0);
  });

  it('rejects a node in two groups without changing anything', () => {
    const { sim } = setup(3);
    expect(() => sim.network.partition([[0, 1], [1]])).toThrow(
      expect.objectContaining({ code: SimErrorCode.OPTIONS_INVALID }),
    );
    expect(sim.network.activePartitions).toEqual([]);
  });

  it('a schedule partitions by percentage and heals after the given time', () => {
    const { sim, rec } = setup(10, {
      schedule: {
        version: 1,
        actions: [{ at: 1000, type: 'partition', groups: [{ percent: 50 }], healAfterMs: 2000 }],
      },
    });
    sim.run(1500);
    expect(sim.network.activePartitions.length).toBe(1);
    const blocked = [];
    for (let a = 0; a < 10; a++)
      for (let b = 0; b < 10; b++) if (sim.network.isBlocked(a, b)) blocked.push([a, b]);
    expect(blocked.length).toBe(2 * 5 * 5);
    sim.run(3500);
    expect(sim.network.activePartitions).toEqual([]);
    expect(rec.deliveries.filter((d) => d.at > 3100).length).toBe(10 * 9 * 4);
  });
});

describe('pause', () => {
  it('a paused node processes nothing during the pause, then handles the backlog and ticks', () => {
    const { sim, rec } = setup(3);
    sim.run(1000);
    sim.pause(1, 2000);
    const sentAtPause = sim.node(1).sent;
    expect(sim.stateOfNode(1)).toBe('paused');
    sim.run(2999);
    expect(rec.ticks.filter((t) => t.node === 1 && t.at > 1000)).toEqual([]);
    expect(rec.deliveries.filter((d) => d.to === 1 && d.at > 1000)).toEqual([]);
    expect(sim.node(1).sent).toBe(sentAtPause);
    sim.run(3000);
    expect(sim.stateOfNode(1)).toBe('up');
    const backlog = rec.deliveries.filter((d) => d.to === 1 && d.at === 3000);
    expect(backlog.length).toBeGreaterThanOrEqual(2 * 19); // ~20 ticks from each of 2 peers
    expect(rec.ticks.some((t) => t.node === 1 && t.at === 3000)).toBe(true);
    sim.run(4000);
    expect(rec.ticks.filter((t) => t.node === 1 && t.at > 3000).length).toBeGreaterThanOrEqual(9);
  });

  it('a partition drops messages to a paused node instead of buffering them', () => {
    const { sim, rec } = setup(2);
    sim.pause(1, 1000);
    sim.network.partition([[0], [1]]);
    sim.run(2000);
    expect(rec.between(0, 1)).toEqual([]);
    expect(sim.stats().network.droppedPartition).toBeGreaterThan(5);
  });

  it('pausing a paused node extends to the later end', () => {
    const { sim } = setup(1);
    sim.pause(0, 1000);
    sim.pause(0, 300);
    sim.run(999);
    expect(sim.stateOfNode(0)).toBe('paused');
    sim.run(1000);
    expect(sim.stateOfNode(0)).toBe('up');
  });
});

describe('clock skew', () => {
  it('shows in the node’s ticks: offset and drift, never backwards', () => {
    const { sim, rec } = setup(2, {}, { tickMs: 100, targets: () => [] });
    sim.run(1000);
    sim.setClockSkew(1, 5000, 1000); // +5 s, 1000 ppm fast
    sim.run(3000);
    const skewed = rec.ticks.filter((t) => t.node === 1 && t.at > 1000);
    const plain = rec.ticks.filter((t) => t.node === 0 && t.at > 1000);
    for (const t of plain) expect(t.now).toBeCloseTo(t.at, 6);
    for (const t of skewed) expect(t.now).toBeCloseTo(t.at * 1.001 + 5000, 2);
    sim.setClockSkew(1, -10_000);
    const before = sim.node(1).localTimeMs;
    sim.run(4000);
    const after = rec.ticks.filter((t) => t.node === 1 && t.at > 3000);
    for (const t of after) expect(t.now).toBeGreaterThanOrEqual(before);
  });
});

describe('links', () => {
  it('loss and duplication rates match the configuration within tolerance', () => {
    const { sim, rec } = setup(
      2,
      { link: { latency: { kind: 'constant', ms: 5 }, loss: 0.1, duplicate: 0.05 } },
      {
        tickMs: 10,
      },
    );
    sim.run(200_000);
    const stats = sim.stats().network;
    expect(stats.droppedLoss / stats.sent).toBeGreaterThan(0.09);
    expect(stats.droppedLoss / stats.sent).toBeLessThan(0.11);
    const survived = stats.sent - stats.droppedLoss;
    expect(stats.duplicated / survived).toBeGreaterThan(0.04);
    expect(stats.duplicated / survived).toBeLessThan(0.06);
    expect(rec.deliveries.length).toBe(stats.delivered);
  });

  it('a bandwidth limit queues messages on the link', () => {
    // 1000 B/s and 100-byte messages: one message per 100 ms, whatever the send rate.
    const { sim, rec } = setup(
      2,
      { link: { latency: { kind: 'constant', ms: 1 }, bandwidthBytesPerSecond: 1000 } },
      { tickMs: 10, targets: (i) => (i === 0 ? [1] : []) },
    );
    sim.run(2000);
    const arrivals = rec.between(0, 1).map((d) => d.at);
    expect(arrivals.length).toBeGreaterThanOrEqual(19);
    expect(arrivals.length).toBeLessThanOrEqual(20);
    for (let i = 1; i < arrivals.length; i++) {
      expect((arrivals[i] as number) - (arrivals[i - 1] as number)).toBeCloseTo(100, 6);
    }
  });

  it('links are directed: an asymmetric override slows one direction only', () => {
    const { sim, rec } = setup(2, {}, { tickMs: 1000 });
    sim.network.setLink(0, 1, { latency: { kind: 'constant', ms: 300 } });
    sim.run(5000);
    const forward = rec.between(0, 1);
    const back = rec.between(1, 0);
    const sendTimes = (node: number) => rec.ticks.filter((t) => t.node === node).map((t) => t.at);
    forward.forEach((d, i) => {
      expect(d.at - (sendTimes(0)[i] as number)).toBeCloseTo(300, 6);
    });
    back.forEach((d, i) => {
      expect(d.at - (sendTimes(1)[i] as number)).toBeCloseTo(10, 6);
    });
    expect(sim.network.linkConfig(0, 1).latency).toEqual({ kind: 'constant', ms: 300 });
    expect(sim.network.linkConfig(1, 0)).toEqual(CONSTANT_10);
  });

  it('region links apply between regions', () => {
    const { sim } = setup(4, {
      regions: [
        { name: 'eu', share: 1 },
        { name: 'us', share: 1 },
      ],
    });
    sim.network.setRegionLink('eu', 'us', { latency: { kind: 'constant', ms: 80 } }, { symmetric: true });
    expect(sim.network.nodesInRegion('eu')).toEqual([0, 1]);
    expect(sim.network.linkConfig(0, 2).latency).toEqual({ kind: 'constant', ms: 80 });
    expect(sim.network.linkConfig(2, 1).latency).toEqual({ kind: 'constant', ms: 80 });
    expect(sim.network.linkConfig(0, 1)).toEqual(CONSTANT_10);
    expect(() => sim.network.setRegionLink('eu', 'mars', CONSTANT_10)).toThrow(
      expect.objectContaining({ code: SimErrorCode.OPTIONS_INVALID }),
    );
  });

  it.each([
    ['uniform', { kind: 'uniform', minMs: 20, maxMs: 40 }, 20, 40],
    ['normal', { kind: 'normal', meanMs: 50, stdDevMs: 5, minMs: 30 }, 30, 90],
    ['lognormal', { kind: 'lognormal', medianMs: 30, sigma: 0.3 }, 5, 200],
    ['exponential', { kind: 'exponential', meanMs: 10, minMs: 15 }, 15, 200],
    ['pareto', { kind: 'pareto', minMs: 12, alpha: 3 }, 12, 500],
  ] as const)('samples %s latency within its support', (_name, latency, min, max) => {
    const { sim, rec } = setup(
      2,
      { link: { latency } },
      { tickMs: 1000, targets: (i) => (i === 0 ? [1] : []) },
    );
    sim.run(200_000);
    const sends = rec.ticks.filter((t) => t.node === 0).map((t) => t.at);
    const delays = rec.between(0, 1).map((d, i) => d.at - (sends[i] as number));
    expect(delays.length).toBeGreaterThan(150);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(min - 0.001);
      expect(delay).toBeLessThanOrEqual(max);
    }
  });

  it('reordering delivers some messages out of send order; without it, constant latency keeps order', () => {
    const run = (reorder: number) => {
      const { sim, rec } = setup(
        2,
        { link: { latency: { kind: 'constant', ms: 5 }, reorder, reorderDelayMs: 50 } },
        { tickMs: 10, targets: (i) => (i === 0 ? [1] : []) },
      );
      sim.run(10_000);
      const seqs = rec.between(0, 1).map((d) => d.seq);
      return {
        inversions: seqs.filter((s, i) => i > 0 && s < (seqs[i - 1] as number)).length,
        reordered: sim.stats().network.reordered,
      };
    };
    expect(run(0)).toEqual({ inversions: 0, reordered: 0 });
    const shuffled = run(0.2);
    expect(shuffled.inversions).toBeGreaterThan(0);
    expect(shuffled.reordered).toBeGreaterThan(100);
  });

  it('rejects invalid link configurations with a typed error and keeps the old link', () => {
    const { sim } = setup(2);
    for (const bad of [
      { latency: { kind: 'constant', ms: -1 } },
      { latency: { kind: 'warp' } },
      { latency: { kind: 'uniform', minMs: 10, maxMs: 5 } },
      { latency: { kind: 'constant', ms: 1 }, loss: 1.5 },
      { latency: { kind: 'constant', ms: 1 }, bandwidthBytesPerSecond: 0 },
      { latency: { kind: 'constant', ms: 1 }, colour: 'red' },
      { latency: { kind: 'constant', ms: 1, extra: 1 } },
    ]) {
      expect(() => sim.network.setDefaultLink(bad as unknown as LinkConfig)).toThrow(
        expect.objectContaining({ code: SimErrorCode.LINK_INVALID }),
      );
    }
    expect(sim.network.defaultLinkConfig).toEqual(CONSTANT_10);
  });
});

describe('clogging', () => {
  it('holds messages to and from a clogged node and releases them, in order, when unclogged', () => {
    const { sim, rec } = setup(3);
    sim.run(500);
    sim.network.clog(0);
    sim.run(1500);
    expect(rec.deliveries.filter((d) => (d.to === 0 || d.from === 0) && d.at > 520)).toEqual([]);
    const held = sim.stats().network.clogged;
    expect(held).toBeGreaterThan(20);
    sim.network.unclog(0);
    sim.run(1500);
    const released = rec.deliveries.filter((d) => d.to === 0 && d.at === 1500);
    expect(released.length).toBeGreaterThan(10);
    const fromOne = released.filter((d) => d.from === 1).map((d) => d.seq);
    expect(fromOne).toEqual([...fromOne].sort((a, b) => a - b));
    expect(sim.stats().network.clogged).toBe(0);
  });

  it('swizzle clogs nodes one by one, then unclogs them all', () => {
    const { sim } = setup(6, {
      schedule: {
        version: 1,
        actions: [{ at: 100, type: 'swizzle', nodes: { count: 4 }, stepMs: 100, holdMs: 200 }],
      },
    });
    const clogged = () =>
      Array.from({ length: 6 }, (_, i) => i).filter((i) => sim.network.isClogged(i)).length;
    const counts: number[] = [];
    for (let t = 150; t <= 1200; t += 100) {
      sim.run(t);
      counts.push(clogged());
    }
    expect(counts).toEqual([1, 2, 3, 4, 4, 4, 3, 2, 1, 0, 0]);
  });
});

describe('nemesis selectors', () => {
  it('mass failure crashes the given percentage of running nodes', () => {
    const { sim } = setup(50, {
      schedule: { version: 1, actions: [{ at: 10, type: 'crash', nodes: { percent: 20 } }] },
    });
    sim.run(20);
    expect(sim.liveNodes('crashed').length).toBe(10);
  });

  it('a correlated region failure takes down exactly that region', () => {
    const { sim } = setup(9, {
      regions: [
        { name: 'eu', share: 1 },
        { name: 'us', share: 2 },
      ],
      schedule: {
        version: 1,
        actions: [{ at: 10, type: 'crash', nodes: { region: 'eu' }, restartAfterMs: 100 }],
      },
    });
    sim.run(20);
    expect(sim.liveNodes('crashed')).toEqual(sim.network.nodesInRegion('eu'));
    expect(sim.network.nodesInRegion('eu')).toEqual([0, 1, 2]);
    sim.run(200);
    expect(sim.liveNodes('crashed')).toEqual([]);
  });

  it('skips nodes an action cannot apply to and counts them', () => {
    const { sim } = setup(3, {
      schedule: {
        version: 1,
        actions: [
          { at: 10, type: 'crash', nodes: [0] },
          { at: 20, type: 'crash', nodes: [0, 1, 7] },
        ],
      },
    });
    sim.run(30);
    expect(sim.liveNodes('crashed')).toEqual([0, 1]);
    expect(sim.stats().faults.skipped).toBe(2);
  });

  it('join adds nodes that take part', () => {
    const { sim, rec } = setup(2, {
      schedule: { version: 1, actions: [{ at: 500, type: 'join', count: 2 }] },
    });
    sim.run(2000);
    expect(sim.nodeCount).toBe(4);
    expect(rec.deliveries.some((d) => d.from === 3 && d.to === 0)).toBe(true);
    expect(rec.deliveries.some((d) => d.from === 0 && d.to === 3)).toBe(true);
  });

  it('apply() validates the action first: a rejected action changes nothing', () => {
    const { sim } = setup(4);
    const bad = [
      { type: 'crash', nodes: { percent: 150 } },
      { type: 'crash', nodes: { region: 'mars' } },
      { type: 'partition', groups: [] },
      { type: 'pause', nodes: 'all' },
    ];
    for (const action of bad) {
      expect(() => sim.apply(action as never)).toThrow(
        expect.objectContaining({ code: SimErrorCode.SCHEDULE_INVALID }),
      );
    }
    expect(sim.liveNodes()).toEqual([0, 1, 2, 3]);
    expect(sim.network.activePartitions).toEqual([]);
    sim.apply({ type: 'crash', nodes: [2] });
    expect(sim.liveNodes()).toEqual([0, 1, 3]);
  });

  it('a schedule given in code is validated against the simulation’s regions', () => {
    const rec = new Recorder();
    const make = (region: string) =>
      new Simulation<PingMachine>({
        seed: 1,
        nodes: 4,
        protocol: rec.protocol,
        regions: [
          { name: 'eu', share: 1 },
          { name: 'us', share: 1 },
        ],
        schedule: { version: 1, actions: [{ at: 10, type: 'crash', nodes: { region } }] },
      });
    expect(() => make('mars')).toThrow(expect.objectContaining({ code: SimErrorCode.SCHEDULE_INVALID }));
    const sim = make('us');
    sim.run(20);
    expect(sim.liveNodes('crashed')).toEqual([2, 3]);
  });

  it('apply() rejects an unknown action type with a typed error', () => {
    const { sim } = setup(1);
    let caught: unknown;
    try {
      sim.apply({ type: 'meteor' } as never);
    } catch (error) {
      caught = error;
    }
    expect(BrightChainError.isInstance(caught, SimErrorCode.SCHEDULE_INVALID)).toBe(true);
  });
});
