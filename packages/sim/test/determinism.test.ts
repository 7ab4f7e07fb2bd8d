import { BUILT_IN_SCENARIOS, GossipPlugin, Simulation, gossipProtocol, runScenario } from '@brightchain/sim';

const SCENARIOS = BUILT_IN_SCENARIOS.map((s) => s.name).filter((name) => name !== 'custom');

describe('determinism', () => {
  it.each(SCENARIOS)('%s: the same seed gives the same trace hash and report', (scenario) => {
    const run = () =>
      runScenario(scenario, { seed: 11, nodes: 30, durationSeconds: 40, wallClockMs: () => 0 });
    const first = run();
    const second = run();
    expect(second.traceHash).toBe(first.traceHash);
    expect(second).toEqual(first);
    expect(first.traceHash).toMatch(/^[0-9a-f]{16}$/);
    expect(first.messages.delivered).toBeGreaterThan(1000);
  });

  it('different seeds give different traces', () => {
    const hashes = new Set(
      [1, 2, 3, 'one', 'two'].map(
        (seed) => runScenario('stall', { seed, nodes: 20, durationSeconds: 20 }).traceHash,
      ),
    );
    expect(hashes.size).toBe(5);
  });

  it('the heap and the naive sorted-array queue give the identical run', () => {
    const heap = runScenario('showcase', { seed: 4, nodes: 25, durationSeconds: 60, wallClockMs: () => 0 });
    const naive = runScenario('showcase', {
      seed: 4,
      nodes: 25,
      durationSeconds: 60,
      eventQueue: 'sorted-array',
      wallClockMs: () => 0,
    });
    expect(naive).toEqual(heap);
  });

  it('running in many small steps gives the same trace as one long run', () => {
    const make = () =>
      new Simulation({ seed: 8, nodes: 15, protocol: gossipProtocol, plugins: [new GossipPlugin()] });
    const whole = make();
    whole.run(20_000);
    const pieces = make();
    for (let t = 0; t <= 20_000; t += 137) pieces.run(t);
    pieces.run(20_000);
    const stepped = make();
    for (let i = 0; i < 1000; i++) expect(stepped.step()).toBe(true);
    expect(stepped.events).toBe(1000);
    stepped.run(20_000);
    expect(pieces.traceHash).toBe(whole.traceHash);
    expect(pieces.events).toBe(whole.events);
    expect(stepped.traceHash).toBe(whole.traceHash);
  });
});
