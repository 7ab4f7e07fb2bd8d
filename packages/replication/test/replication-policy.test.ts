import {
  DEFAULT_PRIORITY_LEVELS,
  DEFAULT_REPLICATION_POLICY,
  EVERY_ELIGIBLE_NODE,
  ReplicationErrorCode,
  ReplicationPolicyResolver,
  blockMetadataFor,
  isEverywherePolicy,
  validateReplicationPolicy,
} from '@brightchain/replication';
import { blockHex, blockId, expectCode } from './fixtures';

const base = DEFAULT_REPLICATION_POLICY;
const levels = DEFAULT_PRIORITY_LEVELS;

describe('validateReplicationPolicy', () => {
  const valid: [string, unknown][] = [
    ['the default', base],
    [
      '1/1/1 without spread',
      { ...base, minimumCopies: 1, targetCopies: 1, maximumCopies: 1, geographicSpread: false },
    ],
    ['min = target = max', { ...base, minimumCopies: 3, targetCopies: 3, maximumCopies: 3 }],
    ['never trim', { ...base, maximumCopies: Number.POSITIVE_INFINITY }],
    ['everywhere', { ...base, targetCopies: EVERY_ELIGIBLE_NODE, maximumCopies: EVERY_ELIGIBLE_NODE }],
    ['custom levels', { ...base, priorityLevels: { CRITICAL: 100, HIGH: 50, MEDIUM: 10, LOW: 0 } }],
  ];
  test.each(valid)('accepts %s', (_, input) => {
    const policy = validateReplicationPolicy(input);
    expect(policy).toEqual(input);
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.priorityLevels)).toBe(true);
  });

  const invalid: [string, unknown, string[]][] = [
    ['not an object', 42, ['(root)']],
    ['null', null, ['(root)']],
    ['min 0', { ...base, minimumCopies: 0 }, ['minimumCopies']],
    ['negative target', { ...base, targetCopies: -1 }, ['targetCopies']],
    ['fractional max', { ...base, maximumCopies: 4.5 }, ['maximumCopies']],
    ['NaN min', { ...base, minimumCopies: Number.NaN }, ['minimumCopies']],
    ['infinite min', { ...base, minimumCopies: Number.POSITIVE_INFINITY }, ['minimumCopies']],
    ['min > target', { ...base, minimumCopies: 4 }, ['targetCopies']],
    ['target > max', { ...base, targetCopies: 6 }, ['maximumCopies']],
    ['everywhere target, finite max', { ...base, targetCopies: EVERY_ELIGIBLE_NODE }, ['maximumCopies']],
    ['string count', { ...base, targetCopies: '3' }, ['targetCopies']],
    ['spread not boolean', { ...base, geographicSpread: 'yes' }, ['geographicSpread']],
    ['levels missing', { ...base, priorityLevels: undefined }, ['priorityLevels']],
    [
      'level missing',
      { ...base, priorityLevels: { CRITICAL: 3, HIGH: 2, MEDIUM: 1 } },
      ['priorityLevels.LOW'],
    ],
    ['level negative', { ...base, priorityLevels: { ...levels, LOW: -1 } }, ['priorityLevels.LOW']],
    ['level fractional', { ...base, priorityLevels: { ...levels, HIGH: 1.5 } }, ['priorityLevels.HIGH']],
    ['levels equal', { ...base, priorityLevels: { ...levels, HIGH: 3 } }, ['priorityLevels.HIGH']],
    [
      'levels reversed',
      { ...base, priorityLevels: { CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 3 } },
      ['priorityLevels.HIGH', 'priorityLevels.MEDIUM', 'priorityLevels.LOW'],
    ],
    ['unknown level', { ...base, priorityLevels: { ...levels, URGENT: 9 } }, ['priorityLevels.URGENT']],
    ['unknown field', { ...base, replicas: 3 }, ['replicas']],
    [
      'several problems at once',
      { ...base, minimumCopies: 0, geographicSpread: 1, extra: true },
      ['extra', 'minimumCopies', 'geographicSpread'],
    ],
  ];
  test.each(invalid)('rejects %s', (_, input, paths) => {
    const error = expectCode(() => validateReplicationPolicy(input), ReplicationErrorCode.POLICY_INVALID);
    const issues = error.details.issues as { path: string }[];
    expect(issues.map((i) => i.path).sort()).toEqual([...paths].sort());
  });

  test('the error code is the documented one', () => {
    expect(ReplicationErrorCode.POLICY_INVALID).toBe('BC_REPLICATION_POLICY_INVALID');
  });

  test('isEverywherePolicy', () => {
    expect(isEverywherePolicy(base)).toBe(false);
    expect(isEverywherePolicy({ targetCopies: EVERY_ELIGIBLE_NODE })).toBe(true);
  });
});

describe('blockMetadataFor', () => {
  test.each([
    [
      base,
      {},
      { minimumCopies: 2, targetCopies: 3, maximumCopies: 5, minimumRegions: 2, priority: 0, sizeBytes: 0 },
    ],
    [
      { ...base, geographicSpread: false },
      { importance: 3, sizeBytes: 4096 },
      {
        minimumCopies: 2,
        targetCopies: 3,
        maximumCopies: 5,
        minimumRegions: 1,
        priority: 3,
        sizeBytes: 4096,
      },
    ],
    [
      { ...base, targetCopies: EVERY_ELIGIBLE_NODE, maximumCopies: EVERY_ELIGIBLE_NODE },
      { spreadRegions: 3 },
      {
        minimumCopies: 2,
        targetCopies: 255,
        maximumCopies: 255,
        minimumRegions: 3,
        priority: 0,
        sizeBytes: 0,
      },
    ],
    [
      { ...base, minimumCopies: 300, targetCopies: 400, maximumCopies: 500 },
      {},
      {
        minimumCopies: 255,
        targetCopies: 255,
        maximumCopies: 255,
        minimumRegions: 2,
        priority: 0,
        sizeBytes: 0,
      },
    ],
  ])('%#', (policy, extras, expected) => {
    expect(blockMetadataFor(policy, extras)).toEqual(expected);
  });

  test.each([[{ importance: 256 }], [{ importance: -1 }], [{ sizeBytes: 1.5 }], [{ spreadRegions: 0 }]])(
    'rejects extras %j',
    (extras) => {
      expectCode(() => blockMetadataFor(base, extras), ReplicationErrorCode.POLICY_INVALID);
    },
  );

  test('rejects an invalid policy', () => {
    expectCode(() => blockMetadataFor({ ...base, minimumCopies: 0 }), ReplicationErrorCode.POLICY_INVALID);
  });
});

describe('ReplicationPolicyResolver', () => {
  const archive = { ...base, targetCopies: 5, maximumCopies: 8 };
  const critical = { ...base, minimumCopies: 3, targetCopies: 4, maximumCopies: 6 };

  test('per block, then importance class, then default', () => {
    const resolver = new ReplicationPolicyResolver({ classes: { archive }, byImportance: { 3: critical } });
    expect(resolver.resolve(blockId(1))).toEqual(base);
    expect(resolver.resolve(blockId(1), { priority: 3 })).toEqual(critical);
    expect(resolver.resolve(blockId(1), { priority: 2 })).toEqual(base);
    resolver.setBlockPolicy(blockId(1), 'archive');
    expect(resolver.resolve(blockHex(1), { priority: 3 })).toEqual(archive);
    expect(resolver.resolve(blockHex(1).toUpperCase())).toEqual(archive);
    expect(resolver.blockPolicies).toBe(1);
    resolver.clearBlockPolicy(blockHex(1));
    expect(resolver.resolve(blockId(1), { priority: 3 })).toEqual(critical);
    resolver.setBlockPolicy(blockHex(2), { ...base, targetCopies: 4 });
    expect(resolver.resolve(blockId(2)).targetCopies).toBe(4);
    resolver.setClassPolicy('hot', { ...base, targetCopies: 4, maximumCopies: 9 });
    resolver.setBlockPolicy(blockId(3), 'hot');
    expect(resolver.resolve(blockId(3)).maximumCopies).toBe(9);
  });

  test('a default policy of its own', () => {
    expect(new ReplicationPolicyResolver({ defaultPolicy: archive }).resolve(blockId(9))).toEqual(archive);
  });

  test('rejections leave it unchanged', () => {
    const resolver = new ReplicationPolicyResolver({ classes: { archive } });
    resolver.setBlockPolicy(blockId(1), 'archive');
    expectCode(() => resolver.setBlockPolicy(blockId(1), 'nope'), ReplicationErrorCode.COMMAND_INVALID);
    expectCode(
      () => resolver.setBlockPolicy(blockId(1), { ...base, minimumCopies: 9 }),
      ReplicationErrorCode.POLICY_INVALID,
    );
    expectCode(
      () => resolver.setBlockPolicy(new Uint8Array(10), 'archive'),
      ReplicationErrorCode.COMMAND_INVALID,
    );
    expectCode(() => resolver.resolve('zz'), ReplicationErrorCode.COMMAND_INVALID);
    expect(resolver.resolve(blockId(1))).toEqual(archive);
    expect(resolver.blockPolicies).toBe(1);
  });

  test('constructor validation', () => {
    expectCode(
      () => new ReplicationPolicyResolver({ classes: { bad: { ...base, targetCopies: 0 } } }),
      ReplicationErrorCode.POLICY_INVALID,
    );
    expectCode(
      () => new ReplicationPolicyResolver({ byImportance: { 256: base } }),
      ReplicationErrorCode.COMMAND_INVALID,
    );
  });
});
