import { SeededRandom } from '@brightchain/core';
import {
  BUILT_IN_SCENARIOS,
  ProtocolRegistry,
  ScenarioRegistry,
  SimErrorCode,
  gossipProtocol,
  parseFaultSchedule,
  protocols,
  runScenario,
  scenarios,
  settleTimeMs,
} from '@brightchain/sim';

describe('built-in scenarios', () => {
  it('are all registered', () => {
    expect(scenarios.names()).toEqual([
      'steady',
      'crash',
      'stall',
      'partition',
      'shutdown',
      'churn',
      'showcase',
      'custom',
    ]);
  });

  it.each(BUILT_IN_SCENARIOS.filter((s) => s.name !== 'custom').map((s) => [s.name, s] as const))(
    '%s builds a valid schedule that leaves the quiet period alone',
    (_name, scenario) => {
      for (const [nodes, durationMs] of [
        [10, 20_000],
        [1000, 3_600_000],
      ] as const) {
        const settleMs = settleTimeMs(durationMs);
        const schedule = scenario.build({ nodes, durationMs, settleMs, random: new SeededRandom(1) });
        expect(parseFaultSchedule(JSON.parse(JSON.stringify(schedule)))).toEqual(
          expect.objectContaining({ version: 1 }),
        );
        let latest = 0;
        for (const action of schedule.actions) {
          const end =
            action.at +
            ('restartAfterMs' in action ? (action.restartAfterMs ?? 0) : 0) +
            ('healAfterMs' in action ? (action.healAfterMs ?? 0) : 0) +
            ('durationMs' in action ? (action.durationMs ?? 0) : 0);
          latest = Math.max(latest, end);
        }
        expect(latest).toBeLessThanOrEqual(durationMs - settleMs);
      }
    },
  );

  it('crash takes down 5%, partition splits 50/50, shutdown stops 2%, churn adds and removes nodes', () => {
    const crash = runScenario('crash', { seed: 1, nodes: 100, durationSeconds: 30 });
    expect(crash.nodeStates).toEqual({ up: 95, paused: 0, crashed: 5, stopped: 0 });
    const partition = runScenario('partition', { seed: 1, nodes: 40, durationSeconds: 60 });
    expect(partition.faults.applied).toEqual({ partition: 1 });
    expect(partition.messages.dropped.partition).toBeGreaterThan(0);
    const shutdown = runScenario('shutdown', { seed: 1, nodes: 100, durationSeconds: 30 });
    expect(shutdown.nodeStates.stopped).toBe(2);
    const churn = runScenario('churn', { seed: 1, nodes: 50, durationSeconds: 120 });
    expect(churn.faults.applied.join).toBeGreaterThan(1);
    expect(churn.nodeStates.crashed + churn.nodeStates.stopped).toBeGreaterThan(1);
    for (const report of [crash, partition, shutdown, churn]) expect(report.invariants.violated).toEqual([]);
    const stall = runScenario('stall', { seed: 1, nodes: 30, durationSeconds: 40 });
    expect(stall.faults.applied.pause).toBeGreaterThan(5);
    expect(stall.messages.dropped.loss / stall.messages.sent).toBeCloseTo(0.02, 2);
    expect(
      runScenario('stall', { seed: 1, nodes: 30, durationSeconds: 40, loss: 0 }).messages.dropped.loss,
    ).toBe(0);
  });

  it('the report has the documented shape', () => {
    const report = runScenario('steady', { seed: 'shape', nodes: 10, durationSeconds: 10 });
    expect(Object.keys(report)).toEqual([
      'seed',
      'nodes',
      'scenario',
      'protocol',
      'simulatedSeconds',
      'wallSeconds',
      'speedup',
      'events',
      'traceHash',
      'messages',
      'nodeStates',
      'faults',
      'invariants',
      'gossip',
    ]);
    expect(report).toMatchObject({
      seed: 'shape',
      nodes: 10,
      scenario: 'steady',
      protocol: 'gossip',
      simulatedSeconds: 10,
    });
    expect(report.messages.perNodePerSecond.count).toBeGreaterThan(10);
    expect(report.messages.perNodePerSecond.bytes).toBeCloseTo(
      report.messages.perNodePerSecond.count * 25,
      6,
    );
  });
});

describe('runScenario options', () => {
  it.each([
    [{ nodes: 0 }, SimErrorCode.OPTIONS_INVALID],
    [{ nodes: 1.5 }, SimErrorCode.OPTIONS_INVALID],
    [{ durationSeconds: 0 }, SimErrorCode.OPTIONS_INVALID],
    [{ durationSeconds: Number.NaN }, SimErrorCode.OPTIONS_INVALID],
    [{ loss: 1.1 }, SimErrorCode.OPTIONS_INVALID],
    [{ protocol: 'nope' }, SimErrorCode.PROTOCOL_UNKNOWN],
  ])('rejects %j', (bad, code) => {
    expect(() => runScenario('steady', { seed: 1, nodes: 5, durationSeconds: 5, ...bad })).toThrow(
      expect.objectContaining({ code }),
    );
  });

  it('rejects an unknown scenario and custom without a schedule', () => {
    expect(() => runScenario('nope', { seed: 1, nodes: 5, durationSeconds: 5 })).toThrow(
      expect.objectContaining({ code: SimErrorCode.SCENARIO_UNKNOWN }),
    );
    expect(() => runScenario('custom', { seed: 1, nodes: 5, durationSeconds: 5 })).toThrow(
      expect.objectContaining({ code: SimErrorCode.OPTIONS_INVALID }),
    );
  });

  it('registries refuse duplicate and malformed names', () => {
    expect(() => protocols.register(gossipProtocol)).toThrow(
      expect.objectContaining({ code: SimErrorCode.NAME_TAKEN }),
    );
    const registry = new ProtocolRegistry();
    expect(() => registry.register({ ...gossipProtocol, name: 'Bad Name' })).toThrow(
      expect.objectContaining({ code: SimErrorCode.OPTIONS_INVALID }),
    );
    const own = new ScenarioRegistry();
    own.register({ name: 'quiet', description: 'nothing', build: () => ({ version: 1, actions: [] }) });
    expect(() =>
      own.register({ name: 'quiet', description: 'again', build: () => ({ version: 1, actions: [] }) }),
    ).toThrow(expect.objectContaining({ code: SimErrorCode.NAME_TAKEN }));
    const report = runScenario('quiet', { seed: 1, nodes: 3, durationSeconds: 5, scenarios: own });
    expect(report.scenario).toBe('quiet');
  });

  it('plugins add sections and may not shadow built-in keys', () => {
    let crashes = 0;
    const report = runScenario('crash', {
      seed: 1,
      nodes: 40,
      durationSeconds: 20,
      plugins: [
        {
          name: 'crashes',
          onNodeLifecycle: (_sim, _node, cause) => {
            if (cause === 'crash') crashes++;
          },
          report: () => ({ crashes }),
        },
      ],
    });
    expect(report.crashes).toEqual({ crashes: 2 });
    expect(() =>
      runScenario('steady', { seed: 1, nodes: 3, durationSeconds: 5, plugins: [{ name: 'messages' }] }),
    ).toThrow(expect.objectContaining({ code: SimErrorCode.OPTIONS_INVALID }));
    expect(() =>
      runScenario('steady', { seed: 1, nodes: 3, durationSeconds: 5, plugins: [{ name: 'gossip' }] }),
    ).toThrow(expect.objectContaining({ code: SimErrorCode.NAME_TAKEN }));
  });
});
