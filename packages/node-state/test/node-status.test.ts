import {
  type NodeStatus,
  NodeState,
  createNodeStatus,
  defaultNodeCapabilities,
  freeSpace,
  initialReliability,
  recordOutcome,
  validateNodeStatus,
} from '@brightchain/node-state';
import { deepCopy, expectCode, issuePaths, sampleStatus } from './node-fixtures';

/** Dates as their time values (so two Invalid Dates compare equal), everything else as is. */
function comparable(value: unknown): unknown {
  if (value instanceof Date) return `Date(${value.getTime()})`;
  if (Array.isArray(value)) return value.map(comparable);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, comparable(v)]));
  }
  return value;
}

type Mutation = (status: Record<string, unknown>) => void;

/** A mutation that sets one top-level field. */
const set =
  (field: string, value: unknown): Mutation =>
  (input) => {
    input[field] = value;
  };

const metric =
  (field: string, value: unknown): Mutation =>
  (s) => {
    s.storageMetrics = { ...(s.storageMetrics as object), [field]: value };
  };
const reliability =
  (field: string, value: unknown): Mutation =>
  (s) => {
    s.reliability = { ...(s.reliability as object), [field]: value };
  };
const score =
  (field: string, value: unknown): Mutation =>
  (s) => {
    s.score = { ...(s.score as object), [field]: value };
  };
const planned =
  (value: unknown, state: NodeState = NodeState.SCHEDULED_SHUTDOWN): Mutation =>
  (s) => {
    s.state = state;
    s.plannedDowntime = value;
  };
const caps =
  (field: string, value: unknown): Mutation =>
  (s) => {
    s.capabilities = { ...(s.capabilities as object), [field]: value };
  };
const validPlan = { start: new Date(5_000), expectedDuration: 1_000, permanent: false };

/** [description, mutation, expected issue path] — each must be rejected with BC_NODE_STATUS_INVALID. */
const BAD: Array<[string, Mutation, string]> = [
  ['unknown state', set('state', 'SLEEPING'), 'state'],
  ['lower-case state', set('state', 'online'), 'state'],
  ['lastSeen not a Date', set('lastSeen', 1_000), 'lastSeen'],
  ['lastSeen Invalid Date', set('lastSeen', new Date(Number.NaN)), 'lastSeen'],
  ['negative totalSpace', metric('totalSpace', -1), 'storageMetrics.totalSpace'],
  ['negative usedSpace', metric('usedSpace', -5), 'storageMetrics.usedSpace'],
  ['negative reservedSpace', metric('reservedSpace', -5), 'storageMetrics.reservedSpace'],
  ['NaN usedSpace', metric('usedSpace', Number.NaN), 'storageMetrics.usedSpace'],
  ['Infinity totalSpace', metric('totalSpace', Number.POSITIVE_INFINITY), 'storageMetrics.totalSpace'],
  ['fractional totalSpace', metric('totalSpace', 10.5), 'storageMetrics.totalSpace'],
  ['unsafe totalSpace', metric('totalSpace', 2 ** 60), 'storageMetrics.totalSpace'],
  ['string usedSpace', metric('usedSpace', '4'), 'storageMetrics.usedSpace'],
  ['used + reserved > total', metric('reservedSpace', 600_001), 'storageMetrics'],
  [
    'storageMetrics missing',
    (s) => {
      Reflect.deleteProperty(s, 'storageMetrics');
    },
    'storageMetrics',
  ],
  ['uptime above 1', reliability('uptime', 1.01), 'reliability.uptime'],
  ['uptime negative', reliability('uptime', -0.1), 'reliability.uptime'],
  ['uptime NaN', reliability('uptime', Number.NaN), 'reliability.uptime'],
  [
    'fractional replication count',
    reliability('successfulReplications', 1.5),
    'reliability.successfulReplications',
  ],
  ['negative replication count', reliability('failedReplications', -1), 'reliability.failedReplications'],
  ['NaN replication count', reliability('failedReplications', Number.NaN), 'reliability.failedReplications'],
  ['plannedDowntime while ONLINE', planned(validPlan, NodeState.ONLINE), 'plannedDowntime'],
  [
    'plannedDowntime while EMERGENCY_SHUTDOWN',
    planned(validPlan, NodeState.EMERGENCY_SHUTDOWN),
    'plannedDowntime',
  ],
  ['SCHEDULED_SHUTDOWN without plannedDowntime', planned(undefined), 'plannedDowntime'],
  ['planned start Invalid Date', planned({ ...validPlan, start: new Date('nope') }), 'plannedDowntime.start'],
  [
    'planned negative duration',
    planned({ ...validPlan, expectedDuration: -1 }),
    'plannedDowntime.expectedDuration',
  ],
  [
    'planned NaN duration',
    planned({ ...validPlan, expectedDuration: Number.NaN }),
    'plannedDowntime.expectedDuration',
  ],
  [
    'planned permanent with duration',
    planned({ ...validPlan, permanent: true }),
    'plannedDowntime.expectedDuration',
  ],
  ['planned permanent not boolean', planned({ ...validPlan, permanent: 'yes' }), 'plannedDowntime.permanent'],
  ['credits fractional', set('credits', 0.5), 'credits'],
  ['credits NaN', set('credits', Number.NaN), 'credits'],
  ['score above 1', score('score', 2), 'score.score'],
  ['unknown standing', score('standing', 'great'), 'score.standing'],
  ['score observations fractional', score('observations', 0.5), 'score.observations'],
  ['capabilities: bad node type', caps('nodeType', 'archive'), 'capabilities.nodeType'],
  ['capabilities: storage node claiming quorum', caps('quorum', true), 'capabilities.quorum'],
  [
    'capabilities: negative bandwidth',
    caps('bandwidth', { uploadBytesPerSecond: -1, downloadBytesPerSecond: 0 }),
    'capabilities.bandwidth.uploadBytesPerSecond',
  ],
  ['unknown field', set('mood', 'happy'), 'mood'],
];

describe('validateNodeStatus', () => {
  it('accepts a valid status and returns a frozen deep copy', () => {
    const input = sampleStatus();
    const copy = validateNodeStatus(input);
    expect(copy).toEqual(input);
    expect(copy.lastSeen).not.toBe(input.lastSeen);
    expect(Object.isFrozen(copy)).toBe(true);
    expect(Object.isFrozen(copy.storageMetrics)).toBe(true);
    expect(Object.isFrozen(copy.capabilities.specialisations)).toBe(true);
  });

  it.each(BAD)('rejects %s', (_name, mutate, path) => {
    const input = deepCopy(sampleStatus()) as unknown as Record<string, unknown>;
    mutate(input);
    const snapshot = comparable(input);
    const error = expectCode(() => validateNodeStatus(input), 'BC_NODE_STATUS_INVALID');
    expect(issuePaths(error)).toContain(path);
    expect(comparable(input)).toEqual(snapshot); // the input is never modified
  });

  it('reports every issue at once', () => {
    const input = deepCopy(sampleStatus()) as unknown as Record<string, unknown>;
    input.state = 'SLEEPING';
    metric('totalSpace', -1)(input);
    reliability('uptime', 1.01)(input);
    const error = expectCode(() => validateNodeStatus(input), 'BC_NODE_STATUS_INVALID');
    expect(issuePaths(error)).toEqual(['state', 'storageMetrics.totalSpace', 'reliability.uptime']);
    expect(error.message).toMatch(/and 2 more/);
  });

  it('rejects non-objects', () => {
    for (const value of [null, undefined, 3, 'status', []])
      expectCode(() => validateNodeStatus(value), 'BC_NODE_STATUS_INVALID');
  });

  it('accepts planned downtime in OFFLINE and PERMANENTLY_OFFLINE, and used + reserved = total', () => {
    validateNodeStatus({ ...sampleStatus(), state: NodeState.OFFLINE, plannedDowntime: validPlan });
    validateNodeStatus({
      ...sampleStatus(),
      state: NodeState.PERMANENTLY_OFFLINE,
      plannedDowntime: { start: new Date(1), expectedDuration: 0, permanent: true },
    });
    validateNodeStatus({
      ...sampleStatus(),
      storageMetrics: { totalSpace: 10, usedSpace: 6, reservedSpace: 4 },
    });
    validateNodeStatus({ ...sampleStatus(), credits: -5_000 }); // debt is allowed
  });
});

describe('createNodeStatus and freeSpace', () => {
  it('derives the seed reliability counters and the score from the reliability state', () => {
    let state = initialReliability();
    for (let i = 0; i < 150; i++)
      state = recordOutcome(state, { kind: 'replication', success: i % 50 !== 0 });
    const status: NodeStatus = createNodeStatus({
      state: NodeState.ONLINE,
      lastSeen: new Date(7),
      storageMetrics: { totalSpace: 100, usedSpace: 30, reservedSpace: 20 },
      reliability: state,
      capabilities: defaultNodeCapabilities('quorum'),
      credits: 1_234,
    });
    expect(status.reliability).toEqual({ uptime: 1, successfulReplications: 147, failedReplications: 3 });
    expect(status.score.observations).toBe(150);
    expect(status.score.standing).toBe('vetted');
    expect(freeSpace(status)).toBe(50);
  });

  it('rejects inconsistent parts', () => {
    expectCode(
      () =>
        createNodeStatus({
          state: NodeState.ONLINE,
          lastSeen: Number.NaN,
          storageMetrics: { totalSpace: 1, usedSpace: 2, reservedSpace: 0 },
          reliability: initialReliability(),
          capabilities: defaultNodeCapabilities('storage'),
          credits: 0,
        }),
      'BC_NODE_STATUS_INVALID',
    );
  });
});
