/**
 * The membership wire vocabulary: member states, the updates gossip carries (alive, suspect, dead,
 * left) and the eight protocol messages (SWIM's ping / ack / ping-req, Lifeguard's nack, the relayed
 * indirect ack, a gossip carrier, and memberlist-style push-pull anti-entropy), with a validator that
 * turns untrusted input into a well-formed message or a typed error.
 */
import { BrightChainError, type GuidV4, isGuidV4 } from '@brightchain/core';
import { MAX_PIGGYBACK_UPDATES } from './membership-config';
import { NodeStateErrorCode } from './error-codes';
import { type MemberMetadata, validateMemberMetadata } from './membership-metadata';

/** What a view believes about a member. */
export type MemberState = 'alive' | 'suspect' | 'dead' | 'left';

/** "`id` is alive at `incarnation`, advertising `metadata`" (also how a node refutes). */
export interface AliveUpdate {
  readonly kind: 'alive';
  readonly id: GuidV4;
  readonly incarnation: number;
  readonly metadata: MemberMetadata;
}

/** "`from` suspects `id` at `incarnation`." Confirmations from distinct `from`s shorten the timeout. */
export interface SuspectUpdate {
  readonly kind: 'suspect';
  readonly id: GuidV4;
  readonly incarnation: number;
  readonly from: GuidV4;
}

/** "`from` declared `id` dead at `incarnation`." */
export interface DeadUpdate {
  readonly kind: 'dead';
  readonly id: GuidV4;
  readonly incarnation: number;
  readonly from: GuidV4;
}

/** "`id` left gracefully at `incarnation`" (only ever originated by `id` itself). */
export interface LeftUpdate {
  readonly kind: 'left';
  readonly id: GuidV4;
  readonly incarnation: number;
}

/** One piece of membership news, disseminated by piggybacking and gossip. */
export type MemberUpdate = AliveUpdate | SuspectUpdate | DeadUpdate | LeftUpdate;

/** One member's full entry in a push-pull state exchange. */
export interface MemberRecord {
  readonly id: GuidV4;
  readonly incarnation: number;
  readonly state: MemberState;
  readonly metadata: MemberMetadata;
}

/** Direct probe. `target` is the intended receiver (a misdirected ping is ignored). */
export interface PingMessage {
  readonly type: 'ping';
  readonly seq: number;
  readonly target: GuidV4;
  readonly updates: readonly MemberUpdate[];
}

/** Answer to a ping with the same `seq`. */
export interface AckMessage {
  readonly type: 'ack';
  readonly seq: number;
  readonly updates: readonly MemberUpdate[];
}

/** Ask the receiver to ping `target` on the sender's behalf and relay the answer. */
export interface PingReqMessage {
  readonly type: 'ping-req';
  readonly seq: number;
  readonly target: GuidV4;
  readonly updates: readonly MemberUpdate[];
}

/** Relayed answer: `target` acked the intermediary's ping for the sender's ping-req `seq`. */
export interface IndirectAckMessage {
  readonly type: 'indirect-ack';
  readonly seq: number;
  readonly target: GuidV4;
}

/**
 * Lifeguard's negative ack: the intermediary is alive but `target` did not answer it in time. A
 * prober that gets fewer nacks than it asked for blames itself (local health).
 */
export interface NackMessage {
  readonly type: 'nack';
  readonly seq: number;
  readonly target: GuidV4;
}

/** Updates only, sent to a few random members each gossip round. */
export interface GossipMessage {
  readonly type: 'gossip';
  readonly updates: readonly MemberUpdate[];
}

/** Anti-entropy: the sender's whole view; the receiver merges it and answers with its own. */
export interface PushPullMessage {
  readonly type: 'push-pull';
  readonly seq: number;
  /** True when the sender is joining through the receiver (a seed). */
  readonly join: boolean;
  readonly members: readonly MemberRecord[];
}

/** The receiver's whole view, answering a push-pull with the same `seq`. */
export interface PushPullResponseMessage {
  readonly type: 'push-pull-response';
  readonly seq: number;
  readonly members: readonly MemberRecord[];
}

/** Every message the membership core sends and accepts. */
export type MembershipMessage =
  | PingMessage
  | AckMessage
  | PingReqMessage
  | IndirectAckMessage
  | NackMessage
  | GossipMessage
  | PushPullMessage
  | PushPullResponseMessage;

/** Bounds enforced by {@link validateMembershipMessage}. */
export const MEMBERSHIP_MESSAGE_LIMITS = Object.freeze({
  /** Updates on one message. */
  maxUpdates: MAX_PIGGYBACK_UPDATES,
  /** Members in one push-pull exchange. */
  maxMembers: 65_536,
});

const MESSAGE_FIELDS: Readonly<Record<MembershipMessage['type'], readonly string[]>> = {
  ping: ['type', 'seq', 'target', 'updates'],
  ack: ['type', 'seq', 'updates'],
  'ping-req': ['type', 'seq', 'target', 'updates'],
  'indirect-ack': ['type', 'seq', 'target'],
  nack: ['type', 'seq', 'target'],
  gossip: ['type', 'updates'],
  'push-pull': ['type', 'seq', 'join', 'members'],
  'push-pull-response': ['type', 'seq', 'members'],
};

const UPDATE_FIELDS: Readonly<Record<MemberUpdate['kind'], readonly string[]>> = {
  alive: ['kind', 'id', 'incarnation', 'metadata'],
  suspect: ['kind', 'id', 'incarnation', 'from'],
  dead: ['kind', 'id', 'incarnation', 'from'],
  left: ['kind', 'id', 'incarnation'],
};

const RECORD_FIELDS = ['id', 'incarnation', 'state', 'metadata'];
const STATES: ReadonlySet<string> = new Set(['alive', 'suspect', 'dead', 'left']);

function reject(reason: string, path: string, cause?: unknown): BrightChainError {
  return new BrightChainError(
    NodeStateErrorCode.MEMBERSHIP_MESSAGE_INVALID,
    `invalid membership message: ${reason} at ${path}`,
    cause === undefined ? { details: { reason, path } } : { details: { reason, path }, cause },
  );
}

function objectWith(value: unknown, fields: readonly string[], path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw reject('expected an object', path);
  for (const key in value) {
    if (!fields.includes(key)) throw reject(`unknown field "${key.slice(0, 32)}"`, path);
  }
  return value as Record<string, unknown>;
}

function guid(value: unknown, path: string): GuidV4 {
  if (!isGuidV4(value)) throw reject('expected a lower-case GuidV4', path);
  return value;
}

function counter(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw reject('expected a non-negative safe integer', path);
  }
  return value;
}

function metadata(value: unknown, path: string): MemberMetadata {
  try {
    return validateMemberMetadata(value);
  } catch (error) {
    throw reject('bad metadata', path, error);
  }
}

/**
 * Checks one {@link MemberUpdate}. Returns `value` itself when it is already well-formed with
 * validated (frozen) metadata, else a normalised copy; treat the result as immutable.
 *
 * @throws BrightChainError `BC_MEMBERSHIP_MESSAGE_INVALID` when it is malformed
 * @example
 * ```ts
 * validateMemberUpdate({ kind: 'left', id, incarnation: 3 });
 * ```
 */
export function validateMemberUpdate(value: unknown, path = 'update'): MemberUpdate {
  const kind = (value as { kind?: unknown } | null)?.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(UPDATE_FIELDS, kind))
    throw reject('unknown update kind', path);
  const o = objectWith(value, UPDATE_FIELDS[kind as MemberUpdate['kind']], path);
  const id = guid(o.id, `${path}.id`);
  const incarnation = counter(o.incarnation, `${path}.incarnation`);
  switch (kind as MemberUpdate['kind']) {
    case 'alive': {
      const m = metadata(o.metadata, `${path}.metadata`);
      return m === o.metadata ? (value as AliveUpdate) : { kind: 'alive', id, incarnation, metadata: m };
    }
    case 'suspect':
    case 'dead':
      guid(o.from, `${path}.from`);
      return value as SuspectUpdate | DeadUpdate;
    case 'left':
      return value as LeftUpdate;
  }
}

function updates(value: unknown, path: string): readonly MemberUpdate[] {
  if (!Array.isArray(value)) throw reject('expected an array', path);
  if (value.length > MEMBERSHIP_MESSAGE_LIMITS.maxUpdates) {
    throw reject(`more than ${MEMBERSHIP_MESSAGE_LIMITS.maxUpdates} updates`, path);
  }
  let copy: MemberUpdate[] | undefined;
  for (let i = 0; i < value.length; i++) {
    const checked = validateMemberUpdate(value[i], `${path}[${i}]`);
    if (checked !== value[i] && copy === undefined) copy = value.slice(0, i);
    copy?.push(checked);
  }
  return copy ?? (value as MemberUpdate[]);
}

/** Frozen record lists built by a membership core from its own (validated) view. */
const trustedRecordLists = new WeakSet<readonly MemberRecord[]>();

/**
 * Freezes `records` (and each record) and marks the list as already valid, so validating a message
 * that carries this very list (an in-process simulation hands messages over by reference) is O(1).
 * Internal: only the core calls it, on lists built from its validated view with unique ids.
 */
export function trustRecordList(records: MemberRecord[]): readonly MemberRecord[] {
  for (const record of records) Object.freeze(record);
  const frozen = Object.freeze(records);
  trustedRecordLists.add(frozen);
  return frozen;
}

function members(value: unknown, path: string): readonly MemberRecord[] {
  if (trustedRecordLists.has(value as readonly MemberRecord[])) return value as readonly MemberRecord[];
  if (!Array.isArray(value)) throw reject('expected an array', path);
  if (value.length > MEMBERSHIP_MESSAGE_LIMITS.maxMembers) {
    throw reject(`more than ${MEMBERSHIP_MESSAGE_LIMITS.maxMembers} members`, path);
  }
  const seen = new Set<string>();
  let copy: MemberRecord[] | undefined;
  for (let i = 0; i < value.length; i++) {
    const entry: unknown = value[i];
    const at = `${path}[${i}]`;
    const o = objectWith(entry, RECORD_FIELDS, at);
    const id = guid(o.id, `${at}.id`);
    if (seen.has(id)) throw reject('duplicate member id', `${at}.id`);
    seen.add(id);
    if (typeof o.state !== 'string' || !STATES.has(o.state))
      throw reject('unknown member state', `${at}.state`);
    const incarnation = counter(o.incarnation, `${at}.incarnation`);
    const m = metadata(o.metadata, `${at}.metadata`);
    const checked: MemberRecord =
      m === o.metadata
        ? (entry as MemberRecord)
        : { id, incarnation, state: o.state as MemberState, metadata: m };
    if (checked !== entry && copy === undefined) copy = value.slice(0, i);
    copy?.push(checked);
  }
  return copy ?? (value as MemberRecord[]);
}

/**
 * Checks untrusted input against the {@link MembershipMessage} union and its
 * {@link MEMBERSHIP_MESSAGE_LIMITS} (unknown fields are rejected, not dropped).
 * {@link SwimMembership.step} calls this before touching any state. Returns `value` itself when it
 * is already well-formed with validated (frozen) metadata, else a normalised copy; either way treat
 * the result, like every message, as immutable.
 *
 * @throws BrightChainError `BC_MEMBERSHIP_MESSAGE_INVALID` (details: `reason`, `path`) for an
 * unknown type or field, a bad GuidV4, counter, state, metadata, or too many updates or members
 * @example
 * ```ts
 * const message = validateMembershipMessage(JSON.parse(text));
 * ```
 */
export function validateMembershipMessage(value: unknown): MembershipMessage {
  const type = (value as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !Object.hasOwn(MESSAGE_FIELDS, type))
    throw reject('unknown message type', 'type');
  const o = objectWith(value, MESSAGE_FIELDS[type as MembershipMessage['type']], 'message');
  const same = <T extends MembershipMessage>(normalised: T, list: unknown, original: unknown): T =>
    list === original ? (value as T) : normalised;
  switch (type as MembershipMessage['type']) {
    case 'ping': {
      const seq = counter(o.seq, 'seq');
      const target = guid(o.target, 'target');
      const list = updates(o.updates, 'updates');
      return same({ type: 'ping', seq, target, updates: list }, list, o.updates);
    }
    case 'ping-req': {
      const seq = counter(o.seq, 'seq');
      const target = guid(o.target, 'target');
      const list = updates(o.updates, 'updates');
      return same({ type: 'ping-req', seq, target, updates: list }, list, o.updates);
    }
    case 'ack': {
      const seq = counter(o.seq, 'seq');
      const list = updates(o.updates, 'updates');
      return same({ type: 'ack', seq, updates: list }, list, o.updates);
    }
    case 'indirect-ack':
    case 'nack':
      counter(o.seq, 'seq');
      guid(o.target, 'target');
      return value as IndirectAckMessage | NackMessage;
    case 'gossip': {
      const list = updates(o.updates, 'updates');
      return same({ type: 'gossip', updates: list }, list, o.updates);
    }
    case 'push-pull': {
      const seq = counter(o.seq, 'seq');
      if (typeof o.join !== 'boolean') throw reject('expected a boolean', 'join');
      const list = members(o.members, 'members');
      return same({ type: 'push-pull', seq, join: o.join, members: list }, list, o.members);
    }
    case 'push-pull-response': {
      const seq = counter(o.seq, 'seq');
      const list = members(o.members, 'members');
      return same({ type: 'push-pull-response', seq, members: list }, list, o.members);
    }
  }
}
