/**
 * Encoded sizes of membership messages, for piggyback budgets and the simulator's bandwidth
 * accounting: exactly the length of {@link encodeMembershipMessage}'s canonical tuple encoding
 * (array headers, small-integer tags, GUIDs as 16-byte binaries, shortest integers), computed
 * without encoding. The transport envelope around it is not included.
 */
import { encodedNumberSize, metadataSize } from './membership-metadata';
import type { MemberRecord, MemberUpdate, MembershipMessage } from './membership-messages';

/** Bytes of a GuidV4 as a msgpack bin8 (2-byte header + 16 bytes). */
const GUID_BYTES = 18;

function arrayHeader(length: number): number {
  return length < 16 ? 1 : length < 65_536 ? 3 : 5;
}

/**
 * Encoded size of one update in bytes.
 *
 * @example
 * ```ts
 * sizeOfMemberUpdate({ kind: 'left', id, incarnation: 3 }); // 21
 * ```
 */
export function sizeOfMemberUpdate(update: MemberUpdate): number {
  const base = 1 + 1 + GUID_BYTES + encodedNumberSize(update.incarnation);
  switch (update.kind) {
    case 'alive':
      return base + metadataSize(update.metadata);
    case 'suspect':
    case 'dead':
      return base + GUID_BYTES;
    case 'left':
      return base;
  }
}

function sizeOfRecord(record: MemberRecord): number {
  return 1 + GUID_BYTES + encodedNumberSize(record.incarnation) + 1 + metadataSize(record.metadata);
}

function sizeOfUpdates(updates: readonly MemberUpdate[]): number {
  let size = arrayHeader(updates.length);
  for (const update of updates) size += sizeOfMemberUpdate(update);
  return size;
}

function sizeOfRecords(records: readonly MemberRecord[]): number {
  let size = arrayHeader(records.length);
  for (const record of records) size += sizeOfRecord(record);
  return size;
}

/**
 * Encoded size of `message` in bytes (without the transport envelope), as the simulator charges it
 * to the network: equal to `encodeMembershipMessage(message).length` for a valid message. Also
 * available as `SwimMembership.sizeOf`.
 *
 * @example
 * ```ts
 * sizeOfMembershipMessage({ type: 'ack', seq: 7, updates: [] }); // 5
 * ```
 */
export function sizeOfMembershipMessage(message: MembershipMessage): number {
  const header = 3; // tuple header + format version + type tag
  switch (message.type) {
    case 'ping':
    case 'ping-req':
      return header + encodedNumberSize(message.seq) + GUID_BYTES + sizeOfUpdates(message.updates);
    case 'ack':
      return header + encodedNumberSize(message.seq) + sizeOfUpdates(message.updates);
    case 'indirect-ack':
    case 'nack':
      return header + encodedNumberSize(message.seq) + GUID_BYTES;
    case 'gossip':
      return header + sizeOfUpdates(message.updates);
    case 'push-pull':
      return header + encodedNumberSize(message.seq) + 1 + sizeOfRecords(message.members);
    case 'push-pull-response':
      return header + encodedNumberSize(message.seq) + sizeOfRecords(message.members);
  }
}
