import { type GuidV4, SeededRandom, newGuidV4 } from '@brightchain/core';
import fc from 'fast-check';
import {
  type GossipMessage,
  GossipPlugin,
  MaxRegisterGossip,
  SimErrorCode,
  Simulation,
  createGossipProtocol,
  gossipProtocol,
} from '@brightchain/sim';

const ids = (() => {
  const random = new SeededRandom('gossip-ids');
  return Array.from({ length: 8 }, () => newGuidV4(random));
})();
const self = ids[0] as GuidV4;
const peers = ids.slice(1);

type Input =
  | { readonly kind: 'step'; readonly from: number; readonly message: unknown }
  | { readonly kind: 'tick'; readonly dt: number }
  | { readonly kind: 'write' };

const input: fc.Arbitrary<Input> = fc.oneof(
  fc.record({
    kind: fc.constant('step' as const),
    from: fc.integer({ min: 1, max: 7 }),
    message: fc.oneof(
      fc.record({ type: fc.constant('push'), value: fc.integer({ min: 0, max: 50 }) }),
      fc.constant({ type: 'hello' }),
      fc.constant({ type: 'leave' }),
      fc.constant(null),
      fc.record({
        type: fc.constant('push'),
        value: fc.oneof(fc.constant(-1), fc.constant(1.5), fc.constant(Number.NaN)),
      }),
      fc.constant({ type: 'gibberish' }),
    ),
  }),
  fc.record({ kind: fc.constant('tick' as const), dt: fc.integer({ min: 0, max: 400 }) }),
  fc.constant({ kind: 'write' as const }),
);

describe('MaxRegisterGossip (state machine)', () => {
  it('never lowers its value, persists before surfacing, pushes to distinct peers, rejects junk unchanged', () => {
    fc.assert(
      fc.property(fc.array(input, { maxLength: 200 }), fc.integer(), (inputs, seed) => {
        const node = new MaxRegisterGossip({ self, peers, random: new SeededRandom(seed) });
        let now = 0;
        let durable = 0;
        for (const step of inputs) {
          const before = node.value;
          const rejectedBefore = node.rejected;
          if (step.kind === 'step') node.step(ids[step.from] as GuidV4, step.message as GossipMessage);
          else if (step.kind === 'tick') {
            now += step.dt;
            node.tick(now);
          } else node.write();
          expect(node.value).toBeGreaterThanOrEqual(before);
          if (node.rejected > rejectedBefore) expect(node.value).toBe(before);
          if (!node.hasReady()) continue;
          const batch = node.ready();
          node.advance();
          for (const record of batch.persist) durable = Math.max(durable, record.value);
          for (const event of batch.events) expect(event.value).toBeLessThanOrEqual(durable);
          const pushes = batch.messages.filter((m) => m.message.type === 'push');
          for (const m of pushes) {
            expect(m.to).not.toBe(self);
            if (m.message.type === 'push') expect(m.message.value).toBeLessThanOrEqual(durable);
          }
          expect(new Set(pushes.map((m) => m.to)).size).toBe(pushes.length);
          expect(node.hasReady()).toBe(false);
        }
        expect(durable).toBe(node.value);
      }),
      { numRuns: 300 },
    );
  });

  it('pushes to fanout peers once per interval and learns/forgets peers from hello/leave', () => {
    const node = new MaxRegisterGossip({ self, peers: peers.slice(0, 5), random: new SeededRandom(1) });
    node.tick(0);
    expect(node.ready().messages.length).toBe(3);
    node.tick(100);
    expect(node.hasReady()).toBe(false);
    node.tick(200);
    expect(node.ready().messages.length).toBe(3);
    node.step(ids[7] as GuidV4, { type: 'hello' });
    expect(node.peers).toContain(ids[7]);
    node.step(ids[1] as GuidV4, { type: 'leave' });
    expect(node.peers).not.toContain(ids[1]);
    expect(node.peers.length).toBe(5);
    node.leave();
    expect(
      node
        .ready()
        .messages.map((m) => m.to)
        .sort(),
    ).toEqual([...node.peers].sort());
  });

  it('announces itself when asked and never lists itself as a peer', () => {
    const node = new MaxRegisterGossip({ self, peers: ids, random: new SeededRandom(1), announce: true });
    expect(node.peers).not.toContain(self);
    const batch = node.ready();
    expect(batch.messages.length).toBe(7);
    expect(batch.messages.every((m) => m.message.type === 'hello')).toBe(true);
  });

  it('rejects bad options with a typed error', () => {
    for (const bad of [{ fanout: 0 }, { intervalMs: 0 }, { value: -1 }, { value: 0.5 }]) {
      expect(() => new MaxRegisterGossip({ self, peers, random: new SeededRandom(1), ...bad })).toThrow(
        expect.objectContaining({ code: SimErrorCode.OPTIONS_INVALID }),
      );
    }
    expect(() => createGossipProtocol({ fanout: 0 })).toThrow(
      expect.objectContaining({ code: SimErrorCode.OPTIONS_INVALID }),
    );
  });
});

describe('gossip protocol in the simulator', () => {
  it('spreads a write to every node in a few rounds and restores values from the store after a crash', () => {
    const sim = new Simulation({ seed: 2, nodes: 64, protocol: gossipProtocol });
    sim.run(1000);
    sim.command(5, (m) => m.write());
    sim.run(4000);
    for (let i = 0; i < 64; i++) expect(sim.machine(i)?.value).toBe(1);
    sim.crash(9);
    sim.restart(9);
    expect(sim.machine(9)?.value).toBe(1);
    sim.loseDisk(9);
    sim.restart(9);
    expect(sim.machine(9)?.value).toBe(0);
    sim.run(8000);
    expect(sim.machine(9)?.value).toBe(1);
  });

  it('the plugin measures convergence and reports its section', () => {
    const sim = new Simulation({
      seed: 2,
      nodes: 50,
      protocol: gossipProtocol,
      plugins: [new GossipPlugin({ writeIntervalMs: 1000, writesUntilMs: 20_000 })],
    });
    sim.run(30_000);
    expect(sim.finish()).toEqual([]);
    const section = sim.pluginSections().gossip as Record<string, unknown>;
    expect(section).toMatchObject({ writes: 19, nodesAtFinalValue: 50, runningNodes: 50, converged: true });
    // Two writes on nodes that had not yet heard of each other can produce the same value.
    expect(section.finalValue).toBeGreaterThan(15);
    expect(section.finalValue).toBeLessThanOrEqual(19);
    const convergence = section.convergence as {
      count: number;
      pending: number;
      lost: number;
      p50Ms: number;
    };
    expect(convergence).toMatchObject({ pending: 0, lost: 0 });
    expect(convergence.count).toBe(section.finalValue);
    expect(convergence.p50Ms).toBeGreaterThan(200);
    expect(convergence.p50Ms).toBeLessThan(3000);
  });

  it('convergence is inconclusive when the run ends without a quiet period', () => {
    const sim = new Simulation({
      seed: 2,
      nodes: 10,
      protocol: gossipProtocol,
      plugins: [new GossipPlugin()],
    });
    sim.run(10_000);
    expect(sim.finish()).toEqual([]);
    expect((sim.pluginSections().gossip as { converged: unknown }).converged).toBe('inconclusive');
  });

  it('a lasting partition is reported as a convergence violation', () => {
    const sim = new Simulation({
      seed: 2,
      nodes: 10,
      protocol: gossipProtocol,
      plugins: [new GossipPlugin({ writeIntervalMs: 0 })],
    });
    sim.network.partition([[0, 1, 2, 3, 4]]);
    sim.run(1_000);
    sim.command(0, (m) => m.write());
    sim.run(30_000);
    const violations = sim.finish();
    expect(violations.map((v) => v.invariant)).toEqual(['gossip/convergence']);
  });
});
