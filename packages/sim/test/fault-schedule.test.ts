import { BrightChainError } from '@brightchain/core';
import {
  FAULT_TYPES,
  type FaultSchedule,
  SimErrorCode,
  parseFaultSchedule,
  parseFaultScheduleJson,
  randomFaultSchedule,
} from '@brightchain/sim';

const EVERY_KIND: FaultSchedule = {
  version: 1,
  description: 'one of each',
  regions: [
    { name: 'eu', share: 1 },
    { name: 'us', share: 1 },
  ],
  link: { latency: { kind: 'normal', meanMs: 40, stdDevMs: 10 }, loss: 0.01 },
  actions: [
    { at: 900, type: 'heal' },
    { at: 100, type: 'crash', nodes: { percent: 5 }, tornBytes: 3, restartAfterMs: 1000 },
    { at: 100, type: 'restart', nodes: 'all' },
    { at: 200, type: 'shutdown', nodes: [1, 2], restartAfterMs: 10 },
    { at: 300, type: 'disk-loss', nodes: { count: 1, region: 'eu' } },
    { at: 400, type: 'pause', nodes: { range: [0, 3] }, durationMs: 500 },
    { at: 500, type: 'clock-skew', nodes: [0], offsetMs: -250, driftPpm: 50 },
    { at: 600, type: 'partition', groups: [{ region: 'eu' }, [5]], oneWay: true, healAfterMs: 100 },
    { at: 700, type: 'clog', nodes: [3], durationMs: 10 },
    { at: 710, type: 'unclog', nodes: [3] },
    { at: 800, type: 'swizzle', nodes: { count: 3 }, stepMs: 10, holdMs: 20 },
    {
      at: 850,
      type: 'link',
      from: [0],
      to: 'all',
      link: { latency: { kind: 'constant', ms: 5 } },
      symmetric: true,
    },
    { at: 860, type: 'link', from: [0], to: 'all', link: null },
    { at: 870, type: 'link', link: { latency: { kind: 'uniform', minMs: 1, maxMs: 2 } } },
    { at: 880, type: 'join', count: 2, region: 'us' },
  ],
};

function problem(input: unknown): { path: unknown; message: string } {
  try {
    parseFaultSchedule(input);
  } catch (error) {
    if (BrightChainError.isInstance(error, SimErrorCode.SCHEDULE_INVALID)) {
      return { path: error.details.path, message: error.message };
    }
    throw error;
  }
  throw new Error('expected the schedule to be rejected');
}

const base = (actions: unknown[], extra: Record<string, unknown> = {}) => ({ version: 1, actions, ...extra });

describe('parseFaultSchedule', () => {
  it('accepts every fault kind, survives a JSON round trip, and sorts actions stably by time', () => {
    const parsed = parseFaultScheduleJson(JSON.stringify(EVERY_KIND));
    expect(new Set(parsed.actions.map((a) => a.type))).toEqual(new Set(FAULT_TYPES));
    expect(parsed.actions.map((a) => a.at)).toEqual(
      [...parsed.actions.map((a) => a.at)].sort((a, b) => a - b),
    );
    expect(parsed.actions[0]?.type).toBe('crash');
    expect(parsed.actions[1]?.type).toBe('restart');
    expect(parsed.actions.at(-1)?.type).toBe('heal');
    expect(parsed.regions).toEqual(EVERY_KIND.regions);
  });

  it.each([
    ['not an object', [], '(root)'],
    ['wrong version', { version: 2, actions: [] }, 'version'],
    ['unknown top-level field', { version: 1, actions: [], faults: [] }, 'faults'],
    ['actions not an array', { version: 1, actions: {} }, 'actions'],
    ['unknown type', base([{ at: 0, type: 'meteor' }]), 'actions[0].type'],
    ['negative time', base([{ at: -1, type: 'heal' }]), 'actions[0].at'],
    ['missing time', base([{ type: 'heal' }]), 'actions[0].at'],
    ['string time', base([{ at: '5', type: 'heal' }]), 'actions[0].at'],
    ['unknown field on an action', base([{ at: 0, type: 'heal', nodes: 'all' }]), 'actions[0].nodes'],
    ['missing selector', base([{ at: 0, type: 'crash' }]), 'actions[0].nodes'],
    ['bad selector string', base([{ at: 0, type: 'crash', nodes: 'some' }]), 'actions[0].nodes'],
    ['fractional node index', base([{ at: 0, type: 'crash', nodes: [1.5] }]), 'actions[0].nodes[0]'],
    [
      'percent over 100',
      base([{ at: 0, type: 'crash', nodes: { percent: 101 } }]),
      'actions[0].nodes.percent',
    ],
    [
      'percent and count',
      base([{ at: 0, type: 'crash', nodes: { percent: 1, count: 1 } }]),
      'actions[0].nodes',
    ],
    [
      'reversed range',
      base([{ at: 0, type: 'crash', nodes: { range: [5, 2] } }]),
      'actions[0].nodes.range[1]',
    ],
    ['pause without duration', base([{ at: 0, type: 'pause', nodes: 'all' }]), 'actions[0].durationMs'],
    ['empty partition', base([{ at: 0, type: 'partition', groups: [] }]), 'actions[0].groups'],
    [
      'oneWay not boolean',
      base([{ at: 0, type: 'partition', groups: ['all'], oneWay: 1 }]),
      'actions[0].oneWay',
    ],
    ['bad link', base([{ at: 0, type: 'link', link: { latency: { kind: 'constant' } } }]), 'actions[0].link'],
    ['null default link', base([{ at: 0, type: 'link', link: null }]), 'actions[0].link'],
    ['from without to', base([{ at: 0, type: 'link', from: 'all', link: null }]), 'actions[0]'],
    ['join of zero', base([{ at: 0, type: 'join', count: 0 }]), 'actions[0].count'],
    ['unknown region', base([{ at: 0, type: 'crash', nodes: { region: 'mars' } }]), 'actions[0]'],
    ['region of a join', base([{ at: 0, type: 'join', count: 1, region: 'mars' }]), 'actions[0]'],
    [
      'duplicate region',
      base([], {
        regions: [
          { name: 'a', share: 1 },
          { name: 'a', share: 1 },
        ],
      }),
      'regions[1].name',
    ],
    ['zero share', base([], { regions: [{ name: 'a', share: 0 }] }), 'regions[0].share'],
    ['bad default link', base([], { link: { latency: { kind: 'constant', ms: 1 }, loss: 2 } }), 'link'],
    [
      'skew drift too large',
      base([{ at: 0, type: 'clock-skew', nodes: 'all', offsetMs: 0, driftPpm: 1e6 }]),
      'actions[0].driftPpm',
    ],
  ])('rejects %s with the path of the problem', (_name, input, path) => {
    expect(problem(input).path).toBe(path);
  });

  it('rejects malformed JSON with a typed error', () => {
    expect(() => parseFaultScheduleJson('{"version": 1, "actions": [')).toThrow(
      expect.objectContaining({ code: SimErrorCode.SCHEDULE_INVALID }),
    );
  });
});

describe('randomFaultSchedule', () => {
  it('is deterministic in its seed, valid, and repaired before the quiet period', () => {
    const a = randomFaultSchedule({ seed: 5, nodes: 40, durationMs: 120_000, settleMs: 20_000 });
    const b = randomFaultSchedule({ seed: 5, nodes: 40, durationMs: 120_000, settleMs: 20_000 });
    const c = randomFaultSchedule({ seed: 6, nodes: 40, durationMs: 120_000, settleMs: 20_000 });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(parseFaultSchedule(JSON.parse(JSON.stringify(a)))).toEqual(a);
    expect(a.actions.length).toBeGreaterThan(5);
    for (const action of a.actions) {
      const repairAt =
        action.at +
        ('restartAfterMs' in action ? (action.restartAfterMs ?? 0) : 0) +
        ('healAfterMs' in action ? (action.healAfterMs ?? 0) : 0) +
        ('durationMs' in action ? (action.durationMs ?? 0) : 0);
      expect(repairAt).toBeLessThanOrEqual(100_000);
    }
  });

  it('rejects bad options', () => {
    expect(() => randomFaultSchedule({ seed: 1, nodes: 0, durationMs: 1000 })).toThrow(
      expect.objectContaining({ code: SimErrorCode.OPTIONS_INVALID }),
    );
    expect(() => randomFaultSchedule({ seed: 1, nodes: 5, durationMs: 1000, kinds: ['join'] })).toThrow(
      expect.objectContaining({ code: SimErrorCode.OPTIONS_INVALID }),
    );
    expect(() => randomFaultSchedule({ seed: 1, nodes: 5, durationMs: 1000, settleMs: 1000 })).toThrow(
      expect.objectContaining({ code: SimErrorCode.OPTIONS_INVALID }),
    );
  });
});
