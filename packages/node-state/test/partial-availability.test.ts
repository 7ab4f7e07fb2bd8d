import {
  type NodeCapabilities,
  NodeState,
  canAcceptWrites,
  canServeReads,
  defaultNodeCapabilities,
  minimumTransferMs,
  regionAllowed,
  sameCapabilities,
  validateNodeCapabilities,
} from '@brightchain/node-state';
import { expectCode, issuePaths, sampleStatus } from './node-fixtures';

const base = (): Record<string, unknown> => ({
  nodeType: 'storage',
  storage: true,
  quorum: false,
  specialisations: ['ssd'],
  reads: true,
  writes: true,
});

describe('validateNodeCapabilities', () => {
  it('accepts storage and quorum nodes with partial availability', () => {
    const readOnly = validateNodeCapabilities({
      ...base(),
      writes: false,
      bandwidth: { uploadBytesPerSecond: 1_000_000, downloadBytesPerSecond: 0 },
      region: 'eu-west-1',
      allowedRegions: ['EU', 'CH'],
    });
    expect(readOnly.allowedRegions).toEqual(['EU', 'CH']);
    expect(Object.isFrozen(readOnly.allowedRegions)).toBe(true);
    const governanceOnly = validateNodeCapabilities({
      nodeType: 'quorum',
      storage: false,
      quorum: true,
      specialisations: ['identity'],
      reads: false,
      writes: false,
    });
    expect(governanceOnly.quorum).toBe(true);
    expect(defaultNodeCapabilities('quorum')).toMatchObject({
      nodeType: 'quorum',
      quorum: true,
      storage: true,
    });
  });

  const BAD: Array<[string, Record<string, unknown>, string]> = [
    ['unknown node type', { nodeType: 'archive' }, 'nodeType'],
    ['storage node without storage', { storage: false, reads: false, writes: false }, 'storage'],
    ['storage node in governance', { quorum: true }, 'quorum'],
    ['reads without storage', { nodeType: 'quorum', quorum: true, storage: false, writes: false }, 'reads'],
    ['writes without storage', { nodeType: 'quorum', quorum: true, storage: false, reads: false }, 'writes'],
    ['non-boolean reads', { reads: 'yes' }, 'reads'],
    ['specialisations not an array', { specialisations: 'ssd' }, 'specialisations'],
    ['upper-case specialisation', { specialisations: ['SSD'] }, 'specialisations.0'],
    ['duplicate specialisation', { specialisations: ['ssd', 'ssd'] }, 'specialisations.1'],
    [
      'too many specialisations',
      { specialisations: Array.from({ length: 33 }, (_, i) => `s${i}`) },
      'specialisations',
    ],
    [
      'negative bandwidth',
      { bandwidth: { uploadBytesPerSecond: -1, downloadBytesPerSecond: 1 } },
      'bandwidth.uploadBytesPerSecond',
    ],
    [
      'fractional bandwidth',
      { bandwidth: { uploadBytesPerSecond: 1, downloadBytesPerSecond: 0.5 } },
      'bandwidth.downloadBytesPerSecond',
    ],
    [
      'NaN bandwidth',
      { bandwidth: { uploadBytesPerSecond: Number.NaN, downloadBytesPerSecond: 1 } },
      'bandwidth.uploadBytesPerSecond',
    ],
    ['bad region', { region: ' eu' }, 'region'],
    ['empty allowedRegions', { allowedRegions: [] }, 'allowedRegions'],
    ['bad allowed region', { allowedRegions: ['EU', ''] }, 'allowedRegions.1'],
    ['duplicate allowed region', { allowedRegions: ['EU', 'EU'] }, 'allowedRegions.1'],
    ['unknown field', { colour: 'blue' }, 'colour'],
  ];

  it.each(BAD)('rejects %s', (_name, patch, path) => {
    const error = expectCode(
      () => validateNodeCapabilities({ ...base(), ...patch }),
      'BC_NODE_CAPABILITIES_INVALID',
    );
    expect(issuePaths(error)).toContain(path);
  });

  it('compares capabilities independently of list order', () => {
    const a = validateNodeCapabilities({
      ...base(),
      specialisations: ['a', 'b'],
      allowedRegions: ['X', 'Y'],
    });
    const b = validateNodeCapabilities({
      ...base(),
      specialisations: ['b', 'a'],
      allowedRegions: ['Y', 'X'],
    });
    expect(sameCapabilities(a, b)).toBe(true);
    expect(sameCapabilities(a, { ...a, writes: false })).toBe(false);
    expect(sameCapabilities(a, { ...a, allowedRegions: undefined } as unknown as NodeCapabilities)).toBe(
      false,
    );
  });
});

describe('partial availability', () => {
  const status = (state: NodeState, caps: Partial<NodeCapabilities> = {}) => sampleStatus({ state }, caps);

  it('reads: running states with reads and open upload serve; nothing else does', () => {
    const expected: Record<NodeState, boolean> = {
      ONLINE: true,
      SCHEDULED_SHUTDOWN: true,
      EMERGENCY_SHUTDOWN: false,
      OFFLINE: false,
      PERMANENTLY_OFFLINE: false,
    };
    for (const [state, serves] of Object.entries(expected) as [NodeState, boolean][]) {
      expect(canServeReads(status(state))).toBe(serves);
    }
    expect(canServeReads(status(NodeState.ONLINE, { reads: false }))).toBe(false);
    expect(
      canServeReads(
        status(NodeState.ONLINE, { bandwidth: { uploadBytesPerSecond: 0, downloadBytesPerSecond: 9 } }),
      ),
    ).toBe(false);
  });

  it('writes: only ONLINE, writable, download open, region allowed, and enough free space', () => {
    expect(canAcceptWrites(status(NodeState.ONLINE))).toBe(true);
    expect(canAcceptWrites(status(NodeState.SCHEDULED_SHUTDOWN))).toBe(false);
    expect(canAcceptWrites(status(NodeState.ONLINE, { writes: false }))).toBe(false); // read-only node
    expect(canServeReads(status(NodeState.ONLINE, { writes: false }))).toBe(true);
    expect(
      canAcceptWrites(
        status(NodeState.ONLINE, { bandwidth: { uploadBytesPerSecond: 9, downloadBytesPerSecond: 0 } }),
      ),
    ).toBe(false);
    // sampleStatus: total 1 000 000, used 400 000, reserved 100 000 → 500 000 free.
    expect(canAcceptWrites(status(NodeState.ONLINE), undefined, 500_000)).toBe(true);
    expect(canAcceptWrites(status(NodeState.ONLINE), undefined, 500_001)).toBe(false);
    const restricted = status(NodeState.ONLINE, { allowedRegions: ['EU'] });
    expect(canAcceptWrites(restricted, 'EU')).toBe(true);
    expect(canAcceptWrites(restricted, 'US')).toBe(false);
    expect(canAcceptWrites(restricted)).toBe(false); // untagged blocks go to unrestricted nodes
    expect(canAcceptWrites(status(NodeState.ONLINE), 'US')).toBe(true);
    expect(regionAllowed({}, undefined)).toBe(true);
  });

  it('minimumTransferMs is the ceiling of bytes over bandwidth', () => {
    const caps = { bandwidth: { uploadBytesPerSecond: 1_048_576, downloadBytesPerSecond: 3 } };
    const table: Array<[number, 'upload' | 'download', number]> = [
      [4 * 1_048_576, 'upload', 4_000],
      [1, 'upload', 1],
      [0, 'upload', 0],
      [10, 'download', 3_334],
      [3, 'download', 1_000],
    ];
    for (const [bytes, direction, ms] of table) expect(minimumTransferMs(caps, bytes, direction)).toBe(ms);
    expect(minimumTransferMs({}, 10 ** 9, 'upload')).toBe(0);
    expect(
      minimumTransferMs({ bandwidth: { uploadBytesPerSecond: 0, downloadBytesPerSecond: 1 } }, 1, 'upload'),
    ).toBe(Number.POSITIVE_INFINITY);
  });
});
