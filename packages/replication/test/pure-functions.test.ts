import {
  type BlockHealth,
  DEFAULT_BLOCK_METADATA,
  type HolderLocation,
  HolderState,
} from '@brightchain/block-index';
import { type GuidV4, SeededRandom } from '@brightchain/core';
import { NodeState, defaultNodeCapabilities } from '@brightchain/node-state';
import {
  AccessHeat,
  DEFAULT_BACKOFF_POLICY,
  DEFAULT_REPLICATION_POLICY,
  EVERY_ELIGIBLE_NODE,
  type JobRank,
  ReplicationErrorCode,
  assessBlock,
  backoffDelayMs,
  chooseCopiesToTrim,
  compareJobRanks,
  holderStateFor,
  nominalBackoffMs,
  priorityLevelOf,
  priorityNumber,
  resolveBackoffPolicy,
  validateReplicationReport,
} from '@brightchain/replication';
import fc from 'fast-check';
import { blockHex, expectCode, nodeIds } from './fixtures';

describe('priority', () => {
  test.each([
    ['BELOW_MINIMUM', 1, 1, 2, 'CRITICAL'],
    ['BELOW_TARGET', 1, 1, 2, 'CRITICAL'],
    ['BELOW_TARGET', 2, 2, 2, 'MEDIUM'],
    ['PREDICTED_FAILURE', 3, 1, 2, 'HIGH'],
    ['PREDICTED_FAILURE', 3, 2, 2, 'MEDIUM'],
    ['SHUTDOWN_DRAIN', 3, 2, 2, 'HIGH'],
    ['SHUTDOWN_DRAIN', 1, 0, 2, 'CRITICAL'],
    ['GEOGRAPHIC_SPREAD', 3, 3, 2, 'LOW'],
  ] as const)(
    '%s with %i live, %i remaining, min %i → %s',
    (trigger, liveCopies, remainingCopies, minimumCopies, level) => {
      expect(priorityLevelOf({ trigger, liveCopies, remainingCopies, minimumCopies })).toBe(level);
    },
  );

  test('priorityNumber', () => {
    expect(priorityNumber(DEFAULT_REPLICATION_POLICY.priorityLevels, 'HIGH')).toBe(2);
  });

  const rank = (r: Partial<JobRank>): JobRank => ({
    priority: 1,
    remainingCopies: 2,
    importance: 0,
    heat: 0,
    blockHex: 'b',
    ...r,
  });
  test.each([
    [rank({ priority: 2 }), rank({ priority: 1, remainingCopies: 0 })],
    [rank({ remainingCopies: 1 }), rank({ remainingCopies: 2, importance: 9 })],
    [rank({ importance: 3 }), rank({ importance: 1, heat: 100 })],
    [rank({ heat: 5 }), rank({ heat: 1 })],
    [rank({ blockHex: 'a' }), rank({ blockHex: 'b' })],
  ])('%# first goes before second', (first, second) => {
    expect(compareJobRanks(first, second)).toBeLessThan(0);
    expect(compareJobRanks(second, first)).toBeGreaterThan(0);
    expect(compareJobRanks(first, first)).toBe(0);
  });
});

describe('backoff', () => {
  test.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [6, 32000],
    [7, 60000],
    [20, 60000],
  ])('attempt %i waits nominally %i ms', (attempt, ms) => {
    expect(nominalBackoffMs(DEFAULT_BACKOFF_POLICY, attempt)).toBe(ms);
  });

  test('jittered delays stay within [nominal·(1−jitter), nominal] and are reproducible', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (attempt, seed, jitter) => {
          const policy = resolveBackoffPolicy({ jitter });
          const nominal = nominalBackoffMs(policy, attempt);
          const delay = backoffDelayMs(policy, attempt, new SeededRandom(seed));
          expect(delay).toBeGreaterThanOrEqual(Math.floor(nominal * (1 - jitter)));
          expect(delay).toBeLessThanOrEqual(nominal);
          expect(backoffDelayMs(policy, attempt, new SeededRandom(seed))).toBe(delay);
        },
      ),
    );
  });

  test.each<[string, object]>([
    ['negative base', { baseMs: -1 }],
    ['max below base', { baseMs: 100, maxMs: 10 }],
    ['multiplier below 1', { multiplier: 0.5 }],
    ['jitter above 1', { jitter: 2 }],
    ['zero attempts', { maxAttempts: 0 }],
    ['fractional attempts', { maxAttempts: 1.5 }],
  ])('rejects %s', (_, overrides) => {
    expectCode(() => resolveBackoffPolicy(overrides), ReplicationErrorCode.OPTIONS_INVALID);
  });
});

describe('AccessHeat', () => {
  test('decays by half per half-life and prunes cold blocks', () => {
    const heat = new AccessHeat(1000);
    heat.record('a', 0, 8);
    expect(heat.heat('a', 1000)).toBeCloseTo(4);
    heat.record('a', 1000, 4);
    expect(heat.heat('a', 2000)).toBeCloseTo(4);
    expect(heat.heat('b', 0)).toBe(0);
    heat.record('b', 0);
    heat.prune(10_000, 0.1);
    expect(heat.size).toBe(0);
  });

  test('rejects bad input without change', () => {
    expectCode(() => new AccessHeat(0), ReplicationErrorCode.OPTIONS_INVALID);
    const heat = new AccessHeat(1000);
    expectCode(() => heat.record('a', 0, -1), ReplicationErrorCode.COMMAND_INVALID);
    expectCode(() => heat.record('a', Number.NaN), ReplicationErrorCode.COMMAND_INVALID);
    expect(heat.size).toBe(0);
  });
});

describe('holderStateFor', () => {
  const caps = defaultNodeCapabilities('storage');
  test.each([
    [NodeState.ONLINE, caps, false, HolderState.SERVING],
    [NodeState.ONLINE, { ...caps, reads: false }, false, HolderState.UNAVAILABLE],
    [NodeState.ONLINE, { ...caps, writes: false }, false, HolderState.SERVING],
    [NodeState.ONLINE, caps, true, HolderState.UNAVAILABLE],
    [NodeState.SCHEDULED_SHUTDOWN, caps, false, HolderState.LEAVING],
    [NodeState.EMERGENCY_SHUTDOWN, caps, false, HolderState.UNAVAILABLE],
    [NodeState.OFFLINE, caps, false, HolderState.UNAVAILABLE],
    [NodeState.PERMANENTLY_OFFLINE, caps, false, HolderState.UNAVAILABLE],
  ])('%s (%#) → %s', (state, capabilities, down, expected) => {
    expect(holderStateFor(state, capabilities, down)).toBe(expected);
  });
});

describe('chooseCopiesToTrim', () => {
  const ids = nodeIds(8, 'trim');
  const holder = (
    i: number,
    region: string,
    state: HolderState = HolderState.SERVING,
    suspected = false,
  ) => ({
    holder: ids[i]!,
    region,
    state,
    suspected,
  });

  test.each([
    ['at maximum: nothing', [holder(0, 'a'), holder(1, 'b'), holder(2, 'c')], 2, 3, true, 0],
    [
      'two over',
      [holder(0, 'a'), holder(1, 'a'), holder(2, 'b'), holder(3, 'b'), holder(4, 'c')],
      2,
      3,
      true,
      2,
    ],
    [
      'never below target',
      [holder(0, 'a'), holder(1, 'b'), holder(2, 'c'), holder(3, 'd', HolderState.LEAVING)],
      3,
      3,
      false,
      0,
    ],
    [
      'suspected copies are not durable',
      [holder(0, 'a'), holder(1, 'b'), holder(2, 'c', HolderState.SERVING, true), holder(3, 'd')],
      3,
      3,
      false,
      0,
    ],
    [
      'spread keeps one per region',
      [holder(0, 'a'), holder(1, 'b'), holder(2, 'c'), holder(3, 'd')],
      1,
      2,
      true,
      0,
    ],
    [
      'without spread it trims',
      [holder(0, 'a'), holder(1, 'b'), holder(2, 'c'), holder(3, 'd')],
      1,
      2,
      false,
      2,
    ],
    [
      'infinite maximum never trims',
      [holder(0, 'a'), holder(1, 'a'), holder(2, 'a')],
      1,
      Number.POSITIVE_INFINITY,
      false,
      0,
    ],
  ])('%s', (_, holders, target, maximum, spread, expected) => {
    const drop = chooseCopiesToTrim({
      blockId: blockHex(1),
      holders,
      targetCopies: target,
      maximumCopies: maximum,
      geographicSpread: spread,
    });
    expect(drop).toHaveLength(expected);
  });

  test('prefers the crowded region, then the least reliable node', () => {
    const holders = [holder(0, 'a'), holder(1, 'a'), holder(2, 'a'), holder(3, 'b'), holder(4, 'c')];
    const drop = chooseCopiesToTrim({
      blockId: blockHex(1),
      holders,
      targetCopies: 3,
      maximumCopies: 4,
      geographicSpread: true,
      reliabilityOf: (n) => (n === ids[1] ? 0.5 : 0.9),
    });
    expect(drop).toEqual([ids[1]]);
  });

  test('property: never below target durable copies, never drops leaving/suspected/unavailable, never empties a region with spread', () => {
    const stateArb = fc.constantFrom(
      HolderState.SERVING,
      HolderState.SERVING,
      HolderState.LEAVING,
      HolderState.UNAVAILABLE,
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ region: fc.constantFrom('a', 'b', 'c'), state: stateArb, suspected: fc.boolean() }),
          { maxLength: 8 },
        ),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        (raw, target, extra, spread) => {
          const holders = raw.map((h, i) => ({ holder: ids[i]!, ...h }));
          const maximum = target + extra;
          const drop = new Set(
            chooseCopiesToTrim({
              blockId: blockHex(2),
              holders,
              targetCopies: target,
              maximumCopies: maximum,
              geographicSpread: spread,
            }),
          );
          const durable = holders.filter((h) => h.state === HolderState.SERVING && !h.suspected);
          for (const h of holders) if (drop.has(h.holder)) expect(durable).toContain(h);
          const live = holders.filter((h) => h.state !== HolderState.UNAVAILABLE).length;
          if (drop.size > 0) {
            expect(durable.length - drop.size).toBeGreaterThanOrEqual(target);
            expect(live - drop.size).toBeGreaterThanOrEqual(maximum);
          }
          if (spread) {
            for (const region of new Set(durable.map((h) => h.region))) {
              expect(durable.some((h) => h.region === region && !drop.has(h.holder))).toBe(true);
            }
          }
        },
      ),
    );
  });
});

describe('assessBlock', () => {
  const ids = nodeIds(6, 'assess');
  const location = (i: number, region: string, state: HolderState = HolderState.SERVING): HolderLocation => ({
    holder: ids[i]!,
    region,
    since: 0,
    lastVerified: 0,
    state,
    countsAsCopy: state !== HolderState.UNAVAILABLE,
    version: { wall: 0, counter: 0, writer: ids[0]! },
  });
  const health = (copies: number): BlockHealth => ({
    blockId: blockHex(3),
    copies,
    durableCopies: copies,
    leavingCopies: 0,
    unavailableHolders: 0,
    regions: 1,
    deficit: 0,
    belowMinimum: false,
    surplus: 0,
    spreadDeficit: 0,
    metadata: DEFAULT_BLOCK_METADATA,
  });
  const assess = (
    holders: HolderLocation[],
    extra: {
      suspected?: GuidV4[];
      grace?: Map<GuidV4, number>;
      policy?: typeof DEFAULT_REPLICATION_POLICY;
      eligible?: number;
    } = {},
  ) =>
    assessBlock({
      blockHex: blockHex(3),
      health: health(holders.filter((h) => h.countsAsCopy).length),
      holders,
      policy: extra.policy ?? DEFAULT_REPLICATION_POLICY,
      now: 1000,
      isSuspected: (n) => extra.suspected?.includes(n) ?? false,
      graceUntil: (n) => extra.grace?.get(n),
      eligibleNonHolders: () => extra.eligible ?? 0,
      urgentSkipsDelay: true,
    });

  test.each<[string, () => ReturnType<typeof assess>, Partial<ReturnType<typeof assess>>]>([
    [
      'healthy',
      () => assess([location(0, 'a'), location(1, 'b'), location(2, 'c')]),
      { deficit: 0, trigger: undefined },
    ],
    [
      'one lost',
      () => assess([location(0, 'a'), location(1, 'b'), location(2, 'c', HolderState.UNAVAILABLE)]),
      {
        deficit: 1,
        trigger: 'BELOW_TARGET',
        level: 'MEDIUM',
        liveCopies: 2,
      },
    ],
    [
      'two lost',
      () =>
        assess([
          location(0, 'a'),
          location(1, 'b', HolderState.UNAVAILABLE),
          location(2, 'c', HolderState.UNAVAILABLE),
        ]),
      {
        deficit: 2,
        trigger: 'BELOW_MINIMUM',
        level: 'CRITICAL',
      },
    ],
    [
      'one down within the delay',
      () =>
        assess([location(0, 'a'), location(1, 'b'), location(2, 'c', HolderState.UNAVAILABLE)], {
          grace: new Map([[ids[2]!, 5000]]),
        }),
      {
        deficit: 0,
        graceCopies: 1,
        deferredUntil: 5000,
        trigger: undefined,
      },
    ],
    [
      'two down within the delay: urgent, no waiting',
      () =>
        assess(
          [
            location(0, 'a'),
            location(1, 'b', HolderState.UNAVAILABLE),
            location(2, 'c', HolderState.UNAVAILABLE),
          ],
          {
            grace: new Map([
              [ids[1]!, 5000],
              [ids[2]!, 5000],
            ]),
          },
        ),
      { deficit: 2, trigger: 'BELOW_MINIMUM' },
    ],
    [
      'leaving holder',
      () => assess([location(0, 'a'), location(1, 'b'), location(2, 'c', HolderState.LEAVING)]),
      {
        deficit: 1,
        trigger: 'SHUTDOWN_DRAIN',
        level: 'HIGH',
        repairer: ids[2],
      },
    ],
    [
      'suspected holder',
      () => assess([location(0, 'a'), location(1, 'b'), location(2, 'c')], { suspected: [ids[2]!] }),
      {
        deficit: 1,
        trigger: 'PREDICTED_FAILURE',
        level: 'MEDIUM',
        remainingCopies: 2,
      },
    ],
    [
      'clumped',
      () => assess([location(0, 'a'), location(1, 'a'), location(2, 'a')]),
      {
        deficit: 1,
        trigger: 'GEOGRAPHIC_SPREAD',
        level: 'LOW',
        newRegionsOnly: true,
      },
    ],
    [
      'over maximum',
      () => assess([0, 1, 2, 3, 4, 5].map((i) => location(i, `r${i}`))),
      { surplus: 1, trigger: undefined },
    ],
    [
      'everywhere',
      () =>
        assess([location(0, 'a'), location(1, 'b')], {
          policy: {
            ...DEFAULT_REPLICATION_POLICY,
            targetCopies: EVERY_ELIGIBLE_NODE,
            maximumCopies: EVERY_ELIGIBLE_NODE,
          },
          eligible: 4,
        }),
      { effectiveTarget: 6, deficit: 4, surplus: 0 },
    ],
    [
      'lost',
      () => assess([location(0, 'a', HolderState.UNAVAILABLE)]),
      { liveCopies: 0, repairer: undefined, deficit: 3 },
    ],
  ])('%s', (_, run, expected) => {
    expect(run()).toMatchObject(expected);
  });
});

describe('validateReplicationReport', () => {
  const hex = blockHex(1);
  test.each<[unknown]>([
    [{ type: 'copyStored', jobId: 1, blockId: hex }],
    [{ type: 'copyFailed', jobId: 0, blockId: hex.toUpperCase(), reason: 'x' }],
    [{ type: 'copyDropped', trimId: 3, blockId: hex }],
    [{ type: 'dropFailed', trimId: 3, blockId: hex, reason: 'disk' }],
  ])('accepts %j', (report) => {
    expect(validateReplicationReport(report).blockId).toBe(hex);
  });
  test.each<[string, unknown]>([
    ['null', null],
    ['unknown type', { type: 'copied', jobId: 1, blockId: hex }],
    ['missing id', { type: 'copyStored', blockId: hex }],
    ['negative id', { type: 'copyStored', jobId: -1, blockId: hex }],
    ['trimId on a copy', { type: 'copyStored', trimId: 1, blockId: hex }],
    ['bytes block id', { type: 'copyStored', jobId: 1, blockId: new Uint8Array(64) }],
    ['short block id', { type: 'copyStored', jobId: 1, blockId: 'ab' }],
    ['empty reason', { type: 'copyFailed', jobId: 1, blockId: hex, reason: '' }],
    ['long reason', { type: 'copyFailed', jobId: 1, blockId: hex, reason: 'x'.repeat(300) }],
    ['extra field', { type: 'copyStored', jobId: 1, blockId: hex, note: 1 }],
  ])('rejects %s', (_, report) => {
    expectCode(() => validateReplicationReport(report), ReplicationErrorCode.REPORT_INVALID);
  });
});
