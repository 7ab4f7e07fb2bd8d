/**
 * The boundary: malformed messages and bad commands are rejected with typed errors and change
 * nothing; well-formed messages validate to themselves; size estimates follow the msgpack layout.
 */
import { BrightChainError, type GuidV4, newGuidV4, SeededRandom } from '@brightchain/core';
import {
  type MembershipMessage,
  type MemberUpdate,
  sizeOfMembershipMessage,
  sizeOfMemberUpdate,
  SwimMembership,
  validateMembershipMessage,
  validateMemberUpdate,
} from '@brightchain/node-state';
import fc from 'fast-check';
import { metadataFor, rawMetadataFor } from './membership-harness';

const random = new SeededRandom('messages');
const ids = Array.from({ length: 8 }, () => newGuidV4(random));
const [self, a, b] = ids as [GuidV4, GuidV4, GuidV4];

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (BrightChainError.isInstance(error)) return error.code;
    throw error;
  }
  return undefined;
}

function makeNode(): SwimMembership {
  const node = new SwimMembership({
    id: self,
    metadata: metadataFor(0),
    random: new SeededRandom('node'),
    now: 0,
    initialMembers: [
      { id: a, incarnation: 2, state: 'alive', metadata: metadataFor(1) },
      { id: b, incarnation: 0, state: 'alive', metadata: metadataFor(2) },
    ],
  });
  node.tick(1500); // a probe is in flight
  node.ready();
  node.advance();
  return node;
}

const alive: MemberUpdate = { kind: 'alive', id: a, incarnation: 3, metadata: metadataFor(1) };
const good: MembershipMessage[] = [
  { type: 'ping', seq: 1, target: self, updates: [alive] },
  { type: 'ack', seq: 1, updates: [] },
  { type: 'ping-req', seq: 9, target: b, updates: [{ kind: 'suspect', id: b, incarnation: 0, from: a }] },
  { type: 'indirect-ack', seq: 9, target: b },
  { type: 'nack', seq: 9, target: b },
  {
    type: 'gossip',
    updates: [
      { kind: 'dead', id: b, incarnation: 0, from: a },
      { kind: 'left', id: a, incarnation: 2 },
    ],
  },
  {
    type: 'push-pull',
    seq: 4,
    join: true,
    members: [{ id: a, incarnation: 1, state: 'suspect', metadata: metadataFor(1) }],
  },
  { type: 'push-pull-response', seq: 4, members: [] },
];

const tooMany = Array.from({ length: 65 }, () => ({ kind: 'left', id: a, incarnation: 1 }));
const bad: [string, unknown][] = [
  ['not an object', 42],
  ['null', null],
  ['unknown type', { type: 'hello', seq: 1 }],
  ['missing seq', { type: 'ack', updates: [] }],
  ['negative seq', { type: 'ack', seq: -1, updates: [] }],
  ['fractional seq', { type: 'ack', seq: 1.5, updates: [] }],
  ['unsafe seq', { type: 'ack', seq: 2 ** 53, updates: [] }],
  ['string seq', { type: 'ack', seq: '1', updates: [] }],
  ['extra field', { type: 'ack', seq: 1, updates: [], extra: true }],
  ['updates not an array', { type: 'gossip', updates: {} }],
  ['too many updates', { type: 'gossip', updates: tooMany }],
  ['upper-case GUID target', { type: 'ping', seq: 1, target: self.toUpperCase(), updates: [] }],
  ['non-GUID target', { type: 'nack', seq: 1, target: 'node-1' }],
  ['unknown update kind', { type: 'gossip', updates: [{ kind: 'zombie', id: a, incarnation: 1 }] }],
  ['update without id', { type: 'gossip', updates: [{ kind: 'left', incarnation: 1 }] }],
  ['negative incarnation', { type: 'gossip', updates: [{ kind: 'left', id: a, incarnation: -1 }] }],
  ['suspect without from', { type: 'gossip', updates: [{ kind: 'suspect', id: a, incarnation: 1 }] }],
  [
    'alive with bad metadata',
    { type: 'gossip', updates: [{ ...alive, metadata: { ...rawMetadataFor(1), type: 'x' } }] },
  ],
  [
    'valid update then a bad one',
    { type: 'gossip', updates: [alive, { kind: 'left', id: 'x', incarnation: 1 }] },
  ],
  ['join not boolean', { type: 'push-pull', seq: 1, join: 1, members: [] }],
  [
    'duplicate member',
    {
      type: 'push-pull-response',
      seq: 1,
      members: [
        (good[6] as unknown as { members: unknown[] }).members[0],
        (good[6] as unknown as { members: unknown[] }).members[0],
      ],
    },
  ],
  [
    'unknown member state',
    {
      type: 'push-pull-response',
      seq: 1,
      members: [{ id: a, incarnation: 1, state: 'zombie', metadata: metadataFor(1) }],
    },
  ],
  [
    'member without metadata',
    { type: 'push-pull-response', seq: 1, members: [{ id: a, incarnation: 1, state: 'alive' }] },
  ],
];

describe('message validation', () => {
  test.each(good.map((m) => [m.type, m] as const))(
    'a well-formed %s validates to an equal message',
    (_type, message) => {
      expect(validateMembershipMessage(message)).toEqual(message);
      expect(validateMembershipMessage(JSON.parse(JSON.stringify(message)))).toEqual(message);
    },
  );

  test.each(bad)('rejects %s with BC_MEMBERSHIP_MESSAGE_INVALID', (_name, value) => {
    expect(code(() => validateMembershipMessage(value))).toBe('BC_MEMBERSHIP_MESSAGE_INVALID');
  });

  test('errors say where the problem is', () => {
    try {
      validateMembershipMessage({
        type: 'gossip',
        updates: [alive, { kind: 'left', id: 'x', incarnation: 1 }],
      });
      throw new Error('accepted');
    } catch (error) {
      expect(BrightChainError.isInstance(error) && error.details).toEqual({
        reason: 'expected a lower-case GuidV4',
        path: 'updates[1].id',
      });
    }
  });

  test('validateMemberUpdate checks single updates', () => {
    expect(validateMemberUpdate({ kind: 'left', id: a, incarnation: 0 })).toEqual({
      kind: 'left',
      id: a,
      incarnation: 0,
    });
    expect(code(() => validateMemberUpdate({ kind: 'left', id: a, incarnation: 0, from: b }))).toBe(
      'BC_MEMBERSHIP_MESSAGE_INVALID',
    );
  });
});

describe('step at the boundary', () => {
  test.each(bad)('a message with %s is rejected and nothing changes', (_name, value) => {
    const node = makeNode();
    const before = node.membershipView();
    const deadline = node.nextDeadline();
    expect(code(() => node.step(a, value as MembershipMessage))).toBe('BC_MEMBERSHIP_MESSAGE_INVALID');
    expect(node.membershipView()).toEqual(before);
    expect(node.nextDeadline()).toBe(deadline);
    expect(node.hasReady()).toBe(false);
  });

  test('a sender that is not a GuidV4, or is this node itself, is rejected', () => {
    const node = makeNode();
    const before = node.membershipView();
    expect(code(() => node.step('a' as GuidV4, good[1] as MembershipMessage))).toBe(
      'BC_MEMBERSHIP_MESSAGE_INVALID',
    );
    expect(code(() => node.step(self, good[1] as MembershipMessage))).toBe('BC_MEMBERSHIP_MESSAGE_INVALID');
    expect(node.membershipView()).toEqual(before);
    expect(node.hasReady()).toBe(false);
  });

  test('stale and irrelevant messages are ignored quietly', () => {
    const node = makeNode();
    const before = node.membershipView();
    node.step(a, { type: 'ack', seq: 12345, updates: [] }); // unknown seq
    node.step(a, { type: 'nack', seq: 12345, target: b });
    node.step(a, { type: 'indirect-ack', seq: 12345, target: b });
    node.step(b, {
      type: 'gossip',
      updates: [{ kind: 'alive', id: a, incarnation: 1, metadata: metadataFor(1) }],
    }); // old
    node.step(b, { type: 'gossip', updates: [{ kind: 'suspect', id: a, incarnation: 1, from: b }] }); // old
    node.step(b, {
      type: 'gossip',
      updates: [{ kind: 'dead', id: ids[7] as GuidV4, incarnation: 0, from: b }],
    }); // unknown
    node.step(b, { type: 'ping', seq: 3, target: a, updates: [] }); // misdirected
    expect(node.membershipView()).toEqual(before);
    expect(node.hasReady()).toBe(false);
  });

  test('tick rejects time running backwards or not finite, changing nothing', () => {
    const node = makeNode();
    const before = node.membershipView();
    expect(code(() => node.tick(1000))).toBe('BC_MEMBERSHIP_TIME_INVALID');
    expect(code(() => node.tick(Number.NaN))).toBe('BC_MEMBERSHIP_TIME_INVALID');
    expect(code(() => node.tick(Number.POSITIVE_INFINITY))).toBe('BC_MEMBERSHIP_TIME_INVALID');
    expect(node.membershipView()).toEqual(before);
    node.tick(1500); // the same time again is fine
  });
});

describe('commands at the boundary', () => {
  test.each([
    ['no seeds', []],
    ['only itself', [self]],
    ['a non-GUID seed', ['seed-1']],
    ['not an array', 'seed'],
  ])('join with %s is rejected', (_name, seeds) => {
    const node = makeNode();
    const before = node.membershipView();
    expect(code(() => node.join(seeds as GuidV4[]))).toBe('BC_MEMBERSHIP_COMMAND_INVALID');
    expect(node.membershipView()).toEqual(before);
    expect(node.hasReady()).toBe(false);
  });

  test('updateMetadata with bad metadata changes nothing; with equal metadata is a no-op', () => {
    const node = makeNode();
    const before = node.membershipView();
    expect(code(() => node.updateMetadata({ ...rawMetadataFor(0), address: '' }))).toBe(
      'BC_MEMBERSHIP_METADATA_INVALID',
    );
    node.updateMetadata({ ...rawMetadataFor(0) });
    expect(node.membershipView()).toEqual(before);
    expect(node.hasReady()).toBe(false);
  });

  test.each([
    ['a non-GUID id', { id: 'n1' }, 'BC_MEMBERSHIP_COMMAND_INVALID'],
    ['bad metadata', { metadata: { address: 'x' } }, 'BC_MEMBERSHIP_METADATA_INVALID'],
    ['a missing Random', { random: undefined }, 'BC_MEMBERSHIP_COMMAND_INVALID'],
    ['a NaN start time', { now: Number.NaN }, 'BC_MEMBERSHIP_TIME_INVALID'],
    ['a negative incarnation', { incarnation: -1 }, 'BC_MEMBERSHIP_COMMAND_INVALID'],
    ['a bad config', { config: { probeIntervalMs: 0 } }, 'BC_MEMBERSHIP_CONFIG_INVALID'],
  ])('the constructor rejects %s', (_name, override, expected) => {
    const options = { id: self, metadata: metadataFor(0), random: new SeededRandom(1), now: 0, ...override };
    expect(code(() => new SwimMembership(options as never))).toBe(expected);
  });
});

describe('sizeOf', () => {
  test.each([
    [{ type: 'ack', seq: 7, updates: [] }, 5],
    [{ type: 'ack', seq: 300, updates: [] }, 7],
    [{ type: 'nack', seq: 1, target: a }, 22],
    [{ type: 'indirect-ack', seq: 70_000, target: a }, 26],
    [
      { type: 'ping', seq: 1, target: a, updates: [{ kind: 'left', id: b, incarnation: 0 }] },
      3 + 1 + 18 + 1 + 21,
    ],
    [
      { type: 'gossip', updates: [{ kind: 'suspect', id: b, incarnation: 200, from: a }] },
      3 + 1 + (1 + 1 + 18 + 2 + 18),
    ],
    [{ type: 'push-pull-response', seq: 0, members: [] }, 5],
  ] as [MembershipMessage, number][])('%j is %i bytes', (message, expected) => {
    expect(sizeOfMembershipMessage(message)).toBe(expected);
    expect(SwimMembership.sizeOf(message)).toBe(expected);
  });

  test('grows by exactly the size of each added update or record', () => {
    const update = fc.oneof(
      fc.record({ kind: fc.constant('left' as const), id: fc.constantFrom(...ids), incarnation: fc.nat() }),
      fc.record({
        kind: fc.constant('suspect' as const),
        id: fc.constantFrom(...ids),
        incarnation: fc.nat(),
        from: fc.constantFrom(...ids),
      }),
      fc.record({
        kind: fc.constant('alive' as const),
        id: fc.constantFrom(...ids),
        incarnation: fc.nat(),
        metadata: fc.integer({ min: 0, max: 20 }).map(metadataFor),
      }),
    );
    fc.assert(
      fc.property(fc.array(update, { maxLength: 40 }), (updates) => {
        const total = sizeOfMembershipMessage({ type: 'gossip', updates });
        const arrayHeader = updates.length < 16 ? 1 : 3;
        expect(total).toBe(3 + arrayHeader + updates.reduce((sum, u) => sum + sizeOfMemberUpdate(u), 0));
      }),
    );
  });

  test('a full-state push-pull of 1,000 members stays around 70–90 bytes per member', () => {
    const r = new SeededRandom('pp');
    const members = Array.from({ length: 1000 }, (_, i) => ({
      id: newGuidV4(r),
      incarnation: i % 3,
      state: 'alive' as const,
      metadata: metadataFor(i),
    }));
    const size = sizeOfMembershipMessage({ type: 'push-pull', seq: 1, join: false, members });
    expect(size / 1000).toBeGreaterThan(70);
    expect(size / 1000).toBeLessThan(90);
  });
});
