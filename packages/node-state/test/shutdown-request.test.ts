import {
  BLOCK_REPLICATION_STATUSES,
  type BlockReplicationStatus,
  ShutdownPlan,
  assertNextBlockStatus,
  isNextBlockStatus,
  validateShutdownRequest,
} from '@brightchain/node-state';
import fc from 'fast-check';
import { blockId, deepCopy, expectCode, issuePaths, nodeIds, shutdownRequest } from './node-fixtures';

const [NODE, OTHER] = nodeIds(2, 'shutdown') as [
  ReturnType<typeof nodeIds>[number],
  ReturnType<typeof nodeIds>[number],
];

type Patch = (request: Record<string, unknown>) => void;

/** A patch that sets one top-level field. */
const set =
  (field: string, value: unknown): Patch =>
  (input) => {
    input[field] = value;
  };
const block =
  (i: number, patch: Record<string, unknown>): Patch =>
  (r) => {
    const blocks = r.affectedBlocks as Record<string, unknown>[];
    blocks[i] = { ...blocks[i], ...patch };
  };

const BAD: Array<[string, Patch, string]> = [
  ['nodeId not a GuidV4', set('nodeId', 'node-1'), 'nodeId'],
  ['upper-case nodeId', set('nodeId', NODE.toUpperCase()), 'nodeId'],
  ['shutdownTime a number', set('shutdownTime', 10_000), 'shutdownTime'],
  ['shutdownTime Invalid Date', set('shutdownTime', new Date(Number.NaN)), 'shutdownTime'],
  ['negative expectedDuration', set('expectedDuration', -1), 'expectedDuration'],
  ['NaN expectedDuration', set('expectedDuration', Number.NaN), 'expectedDuration'],
  ['fractional expectedDuration', set('expectedDuration', 1.5), 'expectedDuration'],
  [
    'permanent with expectedDuration',
    (r) => Object.assign(r, { permanent: true, expectedDuration: 5 }),
    'expectedDuration',
  ],
  ['permanent not boolean', set('permanent', 'no'), 'permanent'],
  ['affectedBlocks not an array', set('affectedBlocks', {}), 'affectedBlocks'],
  [
    'block not an object',
    (r) => {
      (r.affectedBlocks as unknown[])[0] = 7;
    },
    'affectedBlocks.0',
  ],
  ['blockId 32 bytes', block(0, { blockId: new Uint8Array(32) }), 'affectedBlocks.0.blockId'],
  ['blockId a hex string', block(1, { blockId: 'ab'.repeat(64) }), 'affectedBlocks.1.blockId'],
  ['duplicate blockId', block(1, { blockId: blockId(0) }), 'affectedBlocks.1.blockId'],
  ['negative priority', block(0, { priority: -1 }), 'affectedBlocks.0.priority'],
  ['fractional priority', block(0, { priority: 0.5 }), 'affectedBlocks.0.priority'],
  ['NaN priority', block(0, { priority: Number.NaN }), 'affectedBlocks.0.priority'],
  [
    'unknown replication status',
    block(0, { replicationStatus: 'FAILED' }),
    'affectedBlocks.0.replicationStatus',
  ],
  ['unknown block field', block(0, { size: 5 }), 'affectedBlocks.0.size'],
  ['unknown request field', set('reason', 'x'), 'reason'],
];

describe('validateShutdownRequest', () => {
  it('accepts the seed shape (Buffer ids too) and copies the block ids', () => {
    const request = shutdownRequest(NODE, { blocks: 2, expectedDuration: 60_000 });
    const withBuffer = {
      ...request,
      affectedBlocks: [
        { blockId: Buffer.from(blockId(9)), priority: 1, replicationStatus: 'IN_PROGRESS' as const },
      ],
    };
    expect(validateShutdownRequest(withBuffer).affectedBlocks[0]?.blockId).toEqual(blockId(9));
    const copy = validateShutdownRequest(request, NODE);
    expect(copy).toEqual(request);
    expect(copy.affectedBlocks[0]?.blockId).not.toBe(request.affectedBlocks[0]?.blockId);
    expect(Object.isFrozen(copy.affectedBlocks)).toBe(true);
    validateShutdownRequest(shutdownRequest(NODE, { permanent: true }));
    validateShutdownRequest(shutdownRequest(NODE, { blocks: 0 }));
  });

  it.each(BAD)('rejects %s', (_name, patch, path) => {
    const input = deepCopy(shutdownRequest(NODE, { blocks: 2 })) as unknown as Record<string, unknown>;
    patch(input);
    const error = expectCode(() => validateShutdownRequest(input), 'BC_NODE_SHUTDOWN_INVALID');
    expect(issuePaths(error)).toContain(path);
  });

  it('rejects a request for another node when one is expected', () => {
    const error = expectCode(
      () => validateShutdownRequest(shutdownRequest(OTHER), NODE),
      'BC_NODE_SHUTDOWN_INVALID',
    );
    expect(issuePaths(error)).toEqual(['nodeId']);
  });
});

describe('block replication status', () => {
  it.each(
    BLOCK_REPLICATION_STATUSES.flatMap((from) => BLOCK_REPLICATION_STATUSES.map((to) => [from, to] as const)),
  )('%s → %s', (from, to) => {
    const legal =
      (from === 'PENDING' && to === 'IN_PROGRESS') || (from === 'IN_PROGRESS' && to === 'COMPLETED');
    expect(isNextBlockStatus(from, to)).toBe(legal);
    if (legal) assertNextBlockStatus(from, to);
    else
      expect(
        expectCode(() => assertNextBlockStatus(from, to), 'BC_NODE_BLOCK_STATUS_INVALID').details,
      ).toMatchObject({ from, to });
  });
});

describe('ShutdownPlan', () => {
  it('orders by priority (highest first), then block id, and tracks progress', () => {
    const request = {
      nodeId: NODE,
      shutdownTime: new Date(0),
      permanent: false,
      affectedBlocks: [
        { blockId: blockId('a'), priority: 1, replicationStatus: 'PENDING' as const },
        { blockId: blockId('b'), priority: 5, replicationStatus: 'PENDING' as const },
        { blockId: blockId('c'), priority: 1, replicationStatus: 'COMPLETED' as const },
        { blockId: blockId('d'), priority: 3, replicationStatus: 'IN_PROGRESS' as const },
      ],
    };
    const plan = new ShutdownPlan(request);
    expect(plan.remaining().map((b) => b.priority)).toEqual([5, 3, 1]);
    expect(plan.nextToStart().map((b) => b.blockId)).toEqual([blockId('b'), blockId('a')]);
    expect(plan.nextToStart(1)).toHaveLength(1);
    expect(plan.progress).toEqual({ total: 4, pending: 2, inProgress: 1, completed: 1 });
    expect(plan.request.affectedBlocks[0]?.priority).toBe(5);
    expect(plan.advance(blockId('d'), 'COMPLETED')).toBe('IN_PROGRESS');
    expect(plan.status(blockId('d'))).toBe('COMPLETED');
    expect(plan.has(blockId('z'))).toBe(false);
    expectCode(() => plan.status(blockId('z')), 'BC_NODE_BLOCK_UNKNOWN');
    expectCode(() => plan.advance(blockId('a'), 'COMPLETED'), 'BC_NODE_BLOCK_STATUS_INVALID');
    expect(plan.status(blockId('a'))).toBe('PENDING');
    expect(plan.isComplete).toBe(false);
  });

  it('any sequence of attempted steps only ever moves blocks forward one step; complete iff all COMPLETED', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }),
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 7 }),
            fc.constantFrom<BlockReplicationStatus>(...BLOCK_REPLICATION_STATUSES),
          ),
        ),
        (count, attempts) => {
          const plan = new ShutdownPlan(shutdownRequest(NODE, { blocks: count }));
          const model = new Map<number, BlockReplicationStatus>(
            Array.from({ length: count }, (_, i) => [i, 'PENDING']),
          );
          for (const [index, to] of attempts) {
            const from = model.get(index);
            const ok = from !== undefined && isNextBlockStatus(from, to);
            if (ok) {
              plan.advance(blockId(index), to);
              model.set(index, to);
            } else {
              expect(() => plan.advance(blockId(index), to)).toThrow();
            }
            for (const [i, status] of model) expect(plan.status(blockId(i))).toBe(status);
          }
          expect(plan.isComplete).toBe([...model.values()].every((s) => s === 'COMPLETED'));
        },
      ),
      { numRuns: 200 },
    );
  });
});
