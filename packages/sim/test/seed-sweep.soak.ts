import { BUILT_IN_SCENARIOS, randomFaultSchedule, runScenario, settleTimeMs } from '@brightchain/sim';

/**
 * The long sweep (`npm run soak`): 200 seeds of 50 nodes × 5 simulated minutes under random
 * faults, then every built-in scenario for 10 seeds at 100 nodes × 10 minutes (about 150 million
 * events; several minutes). Each failure names
 * its seed; replay it with `brightchain sim --seed S …` or `runScenario(…, { seed: S })`.
 */
jest.setTimeout(60 * 60 * 1000);

describe('seed sweep (soak)', () => {
  it('holds every invariant for 200 seeds of random faults', () => {
    const durationMs = 300_000;
    const failures: string[] = [];
    for (let seed = 1; seed <= 200; seed++) {
      const schedule = randomFaultSchedule({
        seed,
        nodes: 50,
        durationMs,
        settleMs: settleTimeMs(durationMs),
        meanIntervalMs: 5_000,
      });
      const report = runScenario('custom', {
        seed,
        nodes: 50,
        durationSeconds: durationMs / 1000,
        schedule,
      });
      for (const v of report.invariants.violated)
        failures.push(`seed ${seed}: ${v.invariant} at ${v.timeMs} ms: ${v.message}`);
    }
    expect(failures).toEqual([]);
  });

  it.each(BUILT_IN_SCENARIOS.filter((s) => s.name !== 'custom').map((s) => s.name))(
    '%s holds every invariant for 10 seeds',
    (scenario) => {
      const failures: string[] = [];
      for (let seed = 1; seed <= 10; seed++) {
        const report = runScenario(scenario, { seed, nodes: 100, durationSeconds: 600 });
        for (const v of report.invariants.violated)
          failures.push(`seed ${seed}: ${v.invariant}: ${v.message}`);
      }
      expect(failures).toEqual([]);
    },
  );
});
