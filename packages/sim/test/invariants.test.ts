import type { Store } from '@brightchain/core';
import {
  type FaultSchedule,
  type Invariant,
  type SimProtocol,
  Simulation,
  createGossipProtocol,
  gossipProtocol,
  runScenario,
} from '@brightchain/sim';
import type { GossipEvent, GossipMessage, GossipRecord, MaxRegisterGossip } from '@brightchain/sim';

/** The gossip protocol with a durability bug: it never writes its records to the store. */
const forgetfulGossip: SimProtocol<GossipMessage, GossipRecord, GossipEvent, MaxRegisterGossip> = {
  ...createGossipProtocol(),
  name: 'forgetful-gossip',
  persist(_store: Store, _records: readonly GossipRecord[]) {},
};

const CRASHES: FaultSchedule = {
  version: 1,
  actions: Array.from({ length: 8 }, (_, i) => ({
    at: 5_000 + i * 4_000,
    type: 'crash' as const,
    nodes: { count: 2 },
    restartAfterMs: 1_500,
  })),
};

describe('invariants', () => {
  it('the real protocol keeps its value across crashes', () => {
    const report = runScenario('custom', { seed: 3, nodes: 20, durationSeconds: 60, schedule: CRASHES });
    expect(report.invariants.checked).toEqual(['gossip/monotonic', 'gossip/convergence']);
    expect(report.invariants.violated).toEqual([]);
    expect(report.gossip).toMatchObject({ converged: true });
  });

  it('a durability bug is caught, with a seed and time that replay the failure exactly', () => {
    const report = runScenario('custom', {
      seed: 3,
      nodes: 20,
      durationSeconds: 60,
      schedule: CRASHES,
      protocol: forgetfulGossip,
    });
    const violation = report.invariants.violated.find((v) => v.invariant === 'gossip/monotonic');
    expect(violation).toBeDefined();
    if (violation === undefined) return;
    expect(violation.seed).toBe(3);
    expect(violation.message).toMatch(/restarted with 0 after acknowledging \d+/);

    // Replay: the same seed, stopping at the first violation, reaches the same state at the same time.
    const replay = runScenario('custom', {
      seed: violation.seed,
      nodes: 20,
      durationSeconds: 60,
      schedule: CRASHES,
      protocol: forgetfulGossip,
      stopOnViolation: true,
    });
    const again = replay.invariants.violated.find((v) => v.invariant === 'gossip/monotonic');
    expect(again).toMatchObject({
      timeMs: violation.timeMs,
      event: violation.event,
      traceHash: violation.traceHash,
      message: violation.message,
    });
    expect(replay.simulatedSeconds).toBeCloseTo(violation.timeMs / 1000, 9);
  });

  it('periodic invariants report the first failure time and count later ones', () => {
    const afterTen: Invariant = {
      name: 'test/before-ten-seconds',
      check: (sim) => (sim.now >= 10_000 ? `still running at ${sim.now}` : undefined),
    };
    const sim = new Simulation({ seed: 1, nodes: 3, protocol: gossipProtocol, invariants: [afterTen] });
    sim.run(15_500);
    const [v] = sim.finish();
    expect(v).toMatchObject({
      invariant: 'test/before-ten-seconds',
      timeMs: 10_000,
      seed: 1,
      occurrences: 7,
    });
    expect(() => sim.addInvariant(afterTen)).toThrow(expect.objectContaining({ code: 'BC_SIM_NAME_TAKEN' }));
  });

  it('end-of-run invariants are checked once, by finish()', () => {
    let calls = 0;
    const atEnd: Invariant = {
      name: 'test/end',
      when: 'end',
      check: () => {
        calls++;
        return undefined;
      },
    };
    const sim = new Simulation({ seed: 1, nodes: 2, protocol: gossipProtocol, invariants: [atEnd] });
    sim.run(10_000);
    expect(calls).toBe(0);
    sim.finish();
    sim.finish();
    expect(calls).toBe(1);
  });
});
