import { DashboardErrorCode, SimulationPacer, createScenarioSimulation } from '@brightchain/dashboard';
import { runScenario } from '@brightchain/sim';
import fc from 'fast-check';

describe('SimulationPacer', () => {
  it('a paced run has the trace hash of an unpaced run with the same seed, however it is sliced', () => {
    const options = { seed: 'pace', nodes: 25, durationSeconds: 40 } as const;
    const reference = runScenario('crash', options);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 900 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.double({ min: 0.5, max: 500, noNaN: true }), { minLength: 1, maxLength: 5 }),
        (walls, speeds) => {
          const run = createScenarioSimulation('crash', options);
          const pacer = new SimulationPacer(run.simulation, { speed: 10, durationMs: 40_000 });
          let i = 0;
          while (!pacer.finished) {
            if (i % 7 === 3) pacer.pause();
            pacer.advance(walls[i % walls.length] as number);
            pacer.resume();
            pacer.setSpeed(speeds[i % speeds.length] as number);
            i++;
          }
          expect(run.simulation.now).toBe(40_000);
          run.simulation.finish();
          expect(run.simulation.traceHash).toBe(reference.traceHash);
          expect(run.simulation.events).toBe(reference.events);
        },
      ),
      { numRuns: 8 },
    );
  });

  it('advances speed × wall time, capped at the duration, and not while paused', () => {
    const run = createScenarioSimulation('steady', { seed: 1, nodes: 5, durationSeconds: 10 });
    let slices = 0;
    let finishes = 0;
    const pacer = new SimulationPacer(run.simulation, {
      speed: 20,
      durationMs: 10_000,
      paused: true,
      onSlice: () => slices++,
      onFinish: () => finishes++,
    });
    expect(pacer.advance(100)).toBe(false);
    expect(run.simulation.now).toBe(0);
    pacer.resume();
    expect(pacer.advance(100)).toBe(true);
    expect(run.simulation.now).toBe(2_000);
    pacer.advance(5_000); // one slice credits at most one wall second
    expect(run.simulation.now).toBe(10_000);
    expect(pacer.finished).toBe(true);
    expect(pacer.advance(100)).toBe(false);
    expect([slices, finishes]).toEqual([2, 1]);
  });

  it('rejects a bad speed and leaves the old one', () => {
    const run = createScenarioSimulation('steady', { seed: 1, nodes: 5, durationSeconds: 10 });
    const pacer = new SimulationPacer(run.simulation, { speed: 3 });
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2e6]) {
      expect(() => pacer.setSpeed(bad)).toThrow(
        expect.objectContaining({ code: DashboardErrorCode.OPTIONS_INVALID }),
      );
    }
    expect(pacer.speed).toBe(3);
    expect(() => new SimulationPacer(run.simulation, { speed: 0 })).toThrow();
  });

  it('drives itself from a real timer and stops at the duration', async () => {
    const run = createScenarioSimulation('steady', { seed: 2, nodes: 5, durationSeconds: 3 });
    const finished = new Promise<void>((resolve) => {
      const pacer = new SimulationPacer(run.simulation, { speed: 100, durationMs: 3_000, onFinish: resolve });
      pacer.start(20);
    });
    await finished;
    expect(run.simulation.now).toBe(3_000);
  });
});
