/**
 * Wire encoding of membership messages: core's canonical msgpack (`encodeCanonical` /
 * `decodeStrict`) of fixed-shape tuples, so one message has exactly one byte form.
 *
 * Layout (version 1; GUIDs as 16 raw bytes, tags as small integers):
 *
 * | message | tuple |
 * |---|---|
 * | ping, ping-req | `[1, 1 \| 3, seq, target, updates]` |
 * | ack | `[1, 2, seq, updates]` |
 * | indirect-ack, nack | `[1, 4 \| 5, seq, target]` |
 * | gossip | `[1, 6, updates]` |
 * | push-pull | `[1, 7, seq, join, records]` |
 * | push-pull-response | `[1, 8, seq, records]` |
 *
 * An update is `[1, id, incarnation, metadata]` (alive), `[2, id, incarnation, from]` (suspect),
 * `[3, id, incarnation, from]` (dead) or `[4, id, incarnation]` (left); a record is
 * `[id, incarnation, state 1–4, metadata]`; metadata is `[address, type 1 storage | 2 quorum, region,
 * capabilities map]`. Hosts put the bytes in a core `Envelope` of type {@link MEMBERSHIP_ENVELOPE_TYPE}.
 */
import {
  BrightChainError,
  type CanonicalValue,
  type DecodeLimits,
  decodeStrict,
  encodeCanonical,
  guidV4ToBytes,
  parseGuidV4,
} from '@brightchain/core';
import { NodeStateErrorCode } from './error-codes';
import type { MemberMetadata } from './membership-metadata';
import {
  type MemberRecord,
  type MemberState,
  type MemberUpdate,
  type MembershipMessage,
  validateMembershipMessage,
} from './membership-messages';

/** The envelope `type` under which hosts send membership messages. */
export const MEMBERSHIP_ENVELOPE_TYPE = 'node-state/membership/v1';

/** The tuple format version this code reads and writes. */
export const MEMBERSHIP_WIRE_VERSION = 1;

const MESSAGE_TAGS = {
  ping: 1,
  ack: 2,
  'ping-req': 3,
  'indirect-ack': 4,
  nack: 5,
  gossip: 6,
  'push-pull': 7,
  'push-pull-response': 8,
} as const;
const UPDATE_TAGS = { alive: 1, suspect: 2, dead: 3, left: 4 } as const;
const STATE_TAGS: Readonly<Record<MemberState, number>> = { alive: 1, suspect: 2, dead: 3, left: 4 };
const STATES: readonly MemberState[] = ['alive', 'suspect', 'dead', 'left'];
const TYPE_TAGS = { storage: 1, quorum: 2 } as const;

function metadataTuple(m: MemberMetadata): CanonicalValue {
  return [m.address, TYPE_TAGS[m.type], m.region, m.capabilities];
}

function updateTuple(u: MemberUpdate): CanonicalValue {
  const head = [UPDATE_TAGS[u.kind], guidV4ToBytes(u.id), u.incarnation];
  switch (u.kind) {
    case 'alive':
      return [...head, metadataTuple(u.metadata)];
    case 'suspect':
    case 'dead':
      return [...head, guidV4ToBytes(u.from)];
    case 'left':
      return head;
  }
}

function recordTuple(r: MemberRecord): CanonicalValue {
  return [guidV4ToBytes(r.id), r.incarnation, STATE_TAGS[r.state], metadataTuple(r.metadata)];
}

/**
 * The canonical bytes of `message` (validated first).
 *
 * @throws BrightChainError `BC_MEMBERSHIP_MESSAGE_INVALID` when `message` is malformed
 * @example
 * ```ts
 * const bytes = encodeMembershipMessage({ type: 'ack', seq: 7, updates: [] });
 * bytes.length === sizeOfMembershipMessage({ type: 'ack', seq: 7, updates: [] }); // true
 * ```
 */
export function encodeMembershipMessage(message: MembershipMessage): Uint8Array {
  const m = validateMembershipMessage(message);
  const head = [MEMBERSHIP_WIRE_VERSION, MESSAGE_TAGS[m.type]];
  let tuple: CanonicalValue[];
  switch (m.type) {
    case 'ping':
    case 'ping-req':
      tuple = [...head, m.seq, guidV4ToBytes(m.target), m.updates.map(updateTuple)];
      break;
    case 'ack':
      tuple = [...head, m.seq, m.updates.map(updateTuple)];
      break;
    case 'indirect-ack':
    case 'nack':
      tuple = [...head, m.seq, guidV4ToBytes(m.target)];
      break;
    case 'gossip':
      tuple = [...head, m.updates.map(updateTuple)];
      break;
    case 'push-pull':
      tuple = [...head, m.seq, m.join, m.members.map(recordTuple)];
      break;
    case 'push-pull-response':
      tuple = [...head, m.seq, m.members.map(recordTuple)];
      break;
  }
  return encodeCanonical(tuple);
}

class Malformed extends Error {
  constructor(
    readonly reason: string,
    readonly path: string,
  ) {
    super(reason);
  }
}

function array(value: unknown, path: string, lengths: readonly number[]): readonly unknown[] {
  if (!Array.isArray(value) || !lengths.includes(value.length)) {
    throw new Malformed(`expected a tuple of ${lengths.join(' or ')} fields`, path);
  }
  return value;
}

function list(value: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new Malformed('expected an array', path);
  return value;
}

function guid(value: unknown, path: string): string {
  if (!(value instanceof Uint8Array) || value.length !== 16)
    throw new Malformed('expected 16 GUID bytes', path);
  try {
    return parseGuidV4(value);
  } catch {
    throw new Malformed('not a version-4 GUID', path);
  }
}

function tag<T>(value: unknown, table: readonly T[], path: string): T {
  const found = typeof value === 'number' ? table[value - 1] : undefined;
  if (found === undefined) throw new Malformed('unknown tag', path);
  return found;
}

function metadataFrom(value: unknown, path: string): unknown {
  const [address, type, region, capabilities] = array(value, path, [4]);
  return { address, type: tag(type, ['storage', 'quorum'], `${path}[1]`), region, capabilities };
}

function updateFrom(value: unknown, path: string): unknown {
  const t = array(value, path, [3, 4]);
  const kind = tag(t[0], ['alive', 'suspect', 'dead', 'left'] as const, `${path}[0]`);
  const id = guid(t[1], `${path}[1]`);
  const incarnation = t[2];
  if (kind === 'left') {
    if (t.length !== 3) throw new Malformed('a left update has 3 fields', path);
    return { kind, id, incarnation };
  }
  if (t.length !== 4) throw new Malformed(`an ${kind} update has 4 fields`, path);
  if (kind === 'alive') return { kind, id, incarnation, metadata: metadataFrom(t[3], `${path}[3]`) };
  return { kind, id, incarnation, from: guid(t[3], `${path}[3]`) };
}

function recordFrom(value: unknown, path: string): unknown {
  const [id, incarnation, state, metadata] = array(value, path, [4]);
  return {
    id: guid(id, `${path}[0]`),
    incarnation,
    state: tag(state, STATES, `${path}[2]`),
    metadata: metadataFrom(metadata, `${path}[3]`),
  };
}

function messageFrom(value: unknown): unknown {
  const t = list(value, 'message');
  if (t[0] !== MEMBERSHIP_WIRE_VERSION)
    throw new Malformed(`unsupported version ${String(t[0])}`, 'message[0]');
  const type = tag(t[1], Object.keys(MESSAGE_TAGS) as MembershipMessage['type'][], 'message[1]');
  const updates = (v: unknown) => list(v, 'updates').map((u, i) => updateFrom(u, `updates[${i}]`));
  const records = (v: unknown) => list(v, 'members').map((r, i) => recordFrom(r, `members[${i}]`));
  switch (type) {
    case 'ping':
    case 'ping-req': {
      const [, , seq, target, u] = array(t, 'message', [5]);
      return { type, seq, target: guid(target, 'target'), updates: updates(u) };
    }
    case 'ack': {
      const [, , seq, u] = array(t, 'message', [4]);
      return { type, seq, updates: updates(u) };
    }
    case 'indirect-ack':
    case 'nack': {
      const [, , seq, target] = array(t, 'message', [4]);
      return { type, seq, target: guid(target, 'target') };
    }
    case 'gossip': {
      const [, , u] = array(t, 'message', [3]);
      return { type, updates: updates(u) };
    }
    case 'push-pull': {
      const [, , seq, join, m] = array(t, 'message', [5]);
      return { type, seq, join, members: records(m) };
    }
    case 'push-pull-response': {
      const [, , seq, m] = array(t, 'message', [4]);
      return { type, seq, members: records(m) };
    }
  }
}

/**
 * Decodes bytes from {@link encodeMembershipMessage} into a validated message. Pass `limits` (at
 * least `maxBytes`, the transport's message limit) for untrusted input.
 *
 * @throws BrightChainError `BC_MEMBERSHIP_MESSAGE_INVALID` for bytes that are not canonical msgpack
 * within the limits (the core `BC_DECODE_*` error is the `cause`), an unknown version or tag, a
 * wrong tuple shape, or a decoded message that fails {@link validateMembershipMessage}
 * @example
 * ```ts
 * const message = decodeMembershipMessage(envelope.payload, { maxBytes: transport.maxMessageBytes });
 * node.step(envelope.sender, message);
 * ```
 */
export function decodeMembershipMessage(
  bytes: Uint8Array,
  limits?: Partial<DecodeLimits>,
): MembershipMessage {
  let value: CanonicalValue;
  try {
    value = decodeStrict(bytes, limits);
  } catch (error) {
    throw new BrightChainError(
      NodeStateErrorCode.MEMBERSHIP_MESSAGE_INVALID,
      'membership message is not canonical',
      {
        details: { reason: 'not canonical msgpack within the limits', path: 'bytes' },
        cause: error,
      },
    );
  }
  let message: unknown;
  try {
    message = messageFrom(value);
  } catch (error) {
    if (!(error instanceof Malformed)) throw error;
    throw new BrightChainError(
      NodeStateErrorCode.MEMBERSHIP_MESSAGE_INVALID,
      `invalid membership message: ${error.reason} at ${error.path}`,
      { details: { reason: error.reason, path: error.path } },
    );
  }
  return validateMembershipMessage(message);
}
