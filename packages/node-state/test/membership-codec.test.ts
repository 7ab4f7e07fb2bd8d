/**
 * The canonical wire encoding: round trips, exact size estimates, and strict rejection of bytes
 * that are not a well-formed version-1 membership tuple.
 */
import {
  BrightChainError,
  encodeCanonical,
  type GuidV4,
  guidV4ToBytes,
  newGuidV4,
  SeededRandom,
} from '@brightchain/core';
import {
  decodeMembershipMessage,
  encodeMembershipMessage,
  type MemberMetadata,
  type MemberRecord,
  type MembershipMessage,
  type MemberUpdate,
  sizeOfMembershipMessage,
  validateMemberMetadata,
} from '@brightchain/node-state';
import fc from 'fast-check';
import { metadataFor } from './membership-harness';

const random = new SeededRandom('codec');
const ids = Array.from({ length: 6 }, () => newGuidV4(random));
const [a, b] = ids as [GuidV4, GuidV4];

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (BrightChainError.isInstance(error)) return error.code;
    throw error;
  }
  return undefined;
}

const id = fc.constantFrom(...ids);
const counter = fc.oneof(fc.nat(200), fc.nat(), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));
const metadata: fc.Arbitrary<MemberMetadata> = fc
  .record({
    address: fc.string({ minLength: 1, maxLength: 60, unit: 'binary' }),
    type: fc.constantFrom('storage' as const, 'quorum' as const),
    region: fc.string({ maxLength: 20, unit: fc.constantFrom(...'abcdefghij-_ 0123'.split('')) }),
    capabilities: fc.dictionary(
      fc.string({ minLength: 1, maxLength: 10, unit: fc.constantFrom(...'abcXYZ._-19'.split('')) }),
      fc.oneof(
        fc.boolean(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
        fc.string({ maxLength: 30 }),
      ),
      { maxKeys: 20 },
    ),
  })
  .filter((m) => {
    try {
      validateMemberMetadata(m);
      return true;
    } catch {
      return false;
    }
  })
  .map((m) => validateMemberMetadata(m));
const update: fc.Arbitrary<MemberUpdate> = fc.oneof(
  fc.record({ kind: fc.constant('alive' as const), id, incarnation: counter, metadata }),
  fc.record({ kind: fc.constant('suspect' as const), id, incarnation: counter, from: id }),
  fc.record({ kind: fc.constant('dead' as const), id, incarnation: counter, from: id }),
  fc.record({ kind: fc.constant('left' as const), id, incarnation: counter }),
);
const records: fc.Arbitrary<MemberRecord[]> = fc.uniqueArray(
  fc.record({
    id,
    incarnation: counter,
    state: fc.constantFrom('alive' as const, 'suspect' as const, 'dead' as const, 'left' as const),
    metadata,
  }),
  { selector: (r) => r.id, maxLength: 6 },
);
const updates = fc.array(update, { maxLength: 20 });
const message: fc.Arbitrary<MembershipMessage> = fc.oneof(
  fc.record({ type: fc.constant('ping' as const), seq: counter, target: id, updates }),
  fc.record({ type: fc.constant('ack' as const), seq: counter, updates }),
  fc.record({ type: fc.constant('ping-req' as const), seq: counter, target: id, updates }),
  fc.record({ type: fc.constant('indirect-ack' as const), seq: counter, target: id }),
  fc.record({ type: fc.constant('nack' as const), seq: counter, target: id }),
  fc.record({ type: fc.constant('gossip' as const), updates }),
  fc.record({ type: fc.constant('push-pull' as const), seq: counter, join: fc.boolean(), members: records }),
  fc.record({ type: fc.constant('push-pull-response' as const), seq: counter, members: records }),
);

describe('membership codec', () => {
  test('decode(encode(m)) = m, and sizeOf(m) is exactly the encoded length', () => {
    fc.assert(
      fc.property(message, (m) => {
        const bytes = encodeMembershipMessage(m);
        expect(decodeMembershipMessage(bytes)).toEqual(m);
        expect(sizeOfMembershipMessage(m)).toBe(bytes.length);
        // One byte form: re-encoding the decoded message gives the same bytes.
        expect(encodeMembershipMessage(decodeMembershipMessage(bytes))).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });

  test('capability −0 is normalised to 0, so every metadata value encodes', () => {
    const m = validateMemberMetadata({ address: 'x', type: 'storage', region: '', capabilities: { z: -0 } });
    expect(Object.is(m.capabilities.z, 0)).toBe(true);
    const bytes = encodeMembershipMessage({
      type: 'gossip',
      updates: [{ kind: 'alive', id: a, incarnation: 0, metadata: m }],
    });
    expect(bytes.length).toBeGreaterThan(0);
  });

  test('encoding rejects a malformed message', () => {
    expect(code(() => encodeMembershipMessage({ type: 'ack', seq: -1, updates: [] }))).toBe(
      'BC_MEMBERSHIP_MESSAGE_INVALID',
    );
  });

  const g = (x: GuidV4) => guidV4ToBytes(x);
  const meta = ['sim://a', 1, 'eu', {}];
  test.each([
    ['not msgpack', Uint8Array.of(0xc1)],
    [
      'trailing bytes',
      Uint8Array.from([...encodeMembershipMessage({ type: 'ack', seq: 1, updates: [] }), 0]),
    ],
    ['not a tuple', encodeCanonical({ type: 'ack' })],
    ['version 2', encodeCanonical([2, 2, 1, []])],
    ['unknown message tag', encodeCanonical([1, 9, 1, []])],
    ['tuple too short', encodeCanonical([1, 2, 1])],
    ['tuple too long', encodeCanonical([1, 4, 1, g(a), 0])],
    ['GUID of 15 bytes', encodeCanonical([1, 5, 1, g(a).slice(1)])],
    ['GUID that is not version 4', encodeCanonical([1, 5, 1, new Uint8Array(16)])],
    ['negative seq', encodeCanonical([1, 5, -1, g(a)])],
    ['unknown update tag', encodeCanonical([1, 6, [[7, g(a), 0]]])],
    ['left with an extra field', encodeCanonical([1, 6, [[4, g(a), 0, g(b)]]])],
    ['suspect without from', encodeCanonical([1, 6, [[2, g(a), 0]]])],
    ['alive with bad node type', encodeCanonical([1, 6, [[1, g(a), 0, ['sim://a', 3, 'eu', {}]]]])],
    ['alive with an empty address', encodeCanonical([1, 6, [[1, g(a), 0, ['', 1, 'eu', {}]]]])],
    ['unknown member state', encodeCanonical([1, 8, 1, [[g(a), 0, 5, meta]]])],
    [
      'duplicate member',
      encodeCanonical([
        1,
        8,
        1,
        [
          [g(a), 0, 1, meta],
          [g(a), 1, 1, meta],
        ],
      ]),
    ],
    ['join not boolean', encodeCanonical([1, 7, 1, 0, []])],
  ])('decoding rejects %s with BC_MEMBERSHIP_MESSAGE_INVALID', (_name, bytes) => {
    expect(code(() => decodeMembershipMessage(bytes))).toBe('BC_MEMBERSHIP_MESSAGE_INVALID');
  });

  test('decode limits apply before anything is allocated', () => {
    const members = ids.map((x, i) => ({
      id: x,
      incarnation: 0,
      state: 'alive' as const,
      metadata: metadataFor(i),
    }));
    const bytes = encodeMembershipMessage({ type: 'push-pull-response', seq: 1, members });
    expect(decodeMembershipMessage(bytes, { maxBytes: bytes.length }).type).toBe('push-pull-response');
    let cause: unknown;
    try {
      decodeMembershipMessage(bytes, { maxBytes: bytes.length - 1 });
    } catch (error) {
      expect(BrightChainError.isInstance(error, 'BC_MEMBERSHIP_MESSAGE_INVALID')).toBe(true);
      cause = (error as BrightChainError).cause;
    }
    expect(BrightChainError.isInstance(cause, 'BC_DECODE_LIMIT')).toBe(true);
  });
});
