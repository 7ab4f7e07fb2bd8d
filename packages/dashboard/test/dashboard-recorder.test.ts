import { DashboardErrorCode, DashboardRecorder, createScenarioSimulation } from '@brightchain/dashboard';
import { SimErrorCode, Simulation, gossipProtocol } from '@brightchain/sim';

describe('DashboardRecorder', () => {
  it('records last-event times and a bounded log of lifecycle changes and faults', () => {
    const recorder = new DashboardRecorder(3);
    const sim = new Simulation({ seed: 1, nodes: 6, protocol: gossipProtocol, plugins: [recorder] });
    expect(recorder.log()).toEqual([]);
    sim.run(2_000);
    expect(recorder.lastEventMs(0)).not.toBeNull();
    expect(recorder.lastEventMs(99)).toBeNull();
    sim.crash(1);
    sim.run(3_000);
    sim.restart(1);
    sim.apply({ type: 'crash', nodes: [2] });
    sim.shutdown(4);
    const log = recorder.log();
    expect(log).toHaveLength(3);
    expect(log.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(log.map((e) => [e.kind, e.what])).toEqual(
      expect.arrayContaining([
        ['fault', 'crash'],
        ['lifecycle', 'shutdown'],
      ]),
    );
    expect(recorder.lastEventMs(1)).toBe(3_000);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects logLimit %p', (limit) => {
    expect(() => new DashboardRecorder(limit)).toThrow(
      expect.objectContaining({ code: DashboardErrorCode.OPTIONS_INVALID }),
    );
  });
});

describe('createScenarioSimulation', () => {
  it('builds an unstarted simulation with the recorder', () => {
    const run = createScenarioSimulation('partition', { seed: 3, nodes: 20, durationSeconds: 60 });
    expect(run.simulation.now).toBe(0);
    expect(run.simulation.nodeCount).toBe(20);
    expect(run).toMatchObject({ scenario: 'partition', durationSeconds: 60 });
    expect(run.recorder).toBeInstanceOf(DashboardRecorder);
  });

  it.each([
    [{ nodes: 0 }, SimErrorCode.OPTIONS_INVALID],
    [{ durationSeconds: 0 }, SimErrorCode.OPTIONS_INVALID],
    [{ loss: 2 }, SimErrorCode.OPTIONS_INVALID],
    [{ protocol: 'raft' }, SimErrorCode.PROTOCOL_UNKNOWN],
  ])('rejects %j like runScenario', (bad, code) => {
    expect(() =>
      createScenarioSimulation('steady', { seed: 1, nodes: 5, durationSeconds: 10, ...bad }),
    ).toThrow(expect.objectContaining({ code }));
  });

  it('rejects an unknown scenario', () => {
    expect(() => createScenarioSimulation('meteor', { seed: 1, nodes: 5, durationSeconds: 10 })).toThrow(
      expect.objectContaining({ code: SimErrorCode.SCENARIO_UNKNOWN }),
    );
  });
});
