import { randomFaultSchedule, runScenario, settleTimeMs } from '@brightchain/sim';

/**
 * A seed sweep: 50 seeds, each a 20-node, 30-second run under its own random, self-healing fault
 * schedule (crashes with torn writes, pauses, disk loss, clock skew, one- and two-way partitions,
 * clogging, degraded links, shutdowns). Every invariant must hold for every seed; a failure names
 * the seed to replay.
 */
describe('seed sweep', () => {
  const durationSeconds = 30;
  const settleMs = settleTimeMs(durationSeconds * 1000);
  const seeds = Array.from({ length: 50 }, (_, i) => 1000 + i);

  it('holds every invariant for 50 seeds of random faults', () => {
    const failures: string[] = [];
    let faults = 0;
    for (const seed of seeds) {
      const schedule = randomFaultSchedule({ seed, nodes: 20, durationMs: durationSeconds * 1000, settleMs });
      const report = runScenario('custom', { seed, nodes: 20, durationSeconds, schedule });
      faults += schedule.actions.length;
      for (const v of report.invariants.violated)
        failures.push(`seed ${seed}: ${v.invariant} at ${v.timeMs} ms: ${v.message}`);
      if (report.gossip === undefined || (report.gossip as { converged: unknown }).converged !== true) {
        failures.push(`seed ${seed}: convergence was not judged (${JSON.stringify(report.gossip)})`);
      }
    }
    expect(failures).toEqual([]);
    expect(faults).toBeGreaterThan(seeds.length * 5);
  });
});
