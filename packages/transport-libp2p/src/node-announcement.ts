/**
 * Node announcements: a node's signed statement "node GuidV4 N runs under member key K".
 *
 * An announcement is a core wire envelope (`encodeEnvelope`) of type {@link ANNOUNCEMENT_TYPE} whose
 * sender is N and whose payload is the canonical tuple `[K]` (33-byte compressed key), signed with K
 * (`signEnvelope`, domain `brightchain/envelope/v1`). Anyone can verify it offline, so announcements are
 * also relayed between peers (peer exchange); a relayed copy proves only that K's holder claimed N, and
 * the node directory decides whether that claim is accepted.
 */
import {
  BrightChainError,
  type GuidV4,
  decodeEnvelope,
  decodeTuple,
  encodeCanonical,
  encodeEnvelope,
  publicKeyOf,
  signEnvelope,
  verifyEnvelope,
} from '@brightchain/core';
import { publicKeyFromRaw } from '@libp2p/crypto/keys';
import { peerIdFromPublicKey } from '@libp2p/peer-id';
import { Libp2pTransportErrorCode } from './error-codes';
import { peerIdForMemberKey } from './member-peer-id';

/** Envelope type of announcements. */
export const ANNOUNCEMENT_TYPE = 'transport-libp2p/announce';

/** Largest accepted announcement in bytes (a real one is about 150). */
export const ANNOUNCEMENT_MAX_BYTES = 512;

/** A verified announcement. */
export interface NodeAnnouncement {
  /** The announced node id. */
  readonly nodeId: GuidV4;
  /** The member key, 33 bytes compressed. */
  readonly publicKey: Uint8Array;
  /** The PeerId string of `publicKey`. */
  readonly peerId: string;
  /** The signed envelope bytes, as sent and relayed. */
  readonly bytes: Uint8Array;
}

/**
 * Signs the announcement of `nodeId` with the member secret.
 *
 * @throws BrightChainError `BC_KEY_INVALID` for a bad secret, `BC_ENVELOPE_INVALID` for a bad node id
 */
export function createAnnouncement(secretKey: Uint8Array, nodeId: GuidV4): NodeAnnouncement {
  const publicKey = publicKeyOf(secretKey);
  const envelope = signEnvelope(secretKey, {
    version: 1,
    type: ANNOUNCEMENT_TYPE,
    sender: nodeId,
    payload: encodeCanonical([publicKey]),
  });
  const bytes = encodeEnvelope(envelope);
  return { nodeId: envelope.sender, publicKey, peerId: peerIdForMemberKey(publicKey), bytes };
}

function invalid(reason: string, cause?: unknown): BrightChainError {
  return new BrightChainError(
    Libp2pTransportErrorCode.IDENTITY_INVALID,
    `invalid node announcement: ${reason}`,
    cause === undefined ? { details: { reason } } : { details: { reason }, cause },
  );
}

/**
 * Decodes and verifies an announcement: well-formed envelope of the announcement type, payload
 * `[33-byte compressed key]`, valid signature by that key.
 *
 * @throws BrightChainError `BC_LIBP2P_IDENTITY_INVALID` (details: `reason` — `'size'`, `'envelope'`,
 * `'type'`, `'payload'`, `'key'`, `'signature'`)
 */
export function readAnnouncement(bytes: Uint8Array): NodeAnnouncement {
  if (!(bytes instanceof Uint8Array) || bytes.length > ANNOUNCEMENT_MAX_BYTES) throw invalid('size');
  let envelope: ReturnType<typeof decodeEnvelope>;
  try {
    envelope = decodeEnvelope(bytes, { maxBytes: ANNOUNCEMENT_MAX_BYTES });
  } catch (error) {
    throw invalid('envelope', error);
  }
  if (envelope.type !== ANNOUNCEMENT_TYPE) throw invalid('type');
  let publicKey: Uint8Array;
  try {
    [publicKey] = decodeTuple(envelope.payload, ['bytes'], { maxBytes: ANNOUNCEMENT_MAX_BYTES });
  } catch (error) {
    throw invalid('payload', error);
  }
  let peerId: string;
  try {
    // Compressed points only (one canonical form per key); decoding the point checks it is on the curve.
    if (publicKey.length !== 33 || (publicKey[0] !== 0x02 && publicKey[0] !== 0x03)) {
      throw new Error('announced keys are 33-byte compressed points');
    }
    peerId = peerIdFromPublicKey(publicKeyFromRaw(publicKey)).toString();
  } catch (error) {
    throw invalid('key', error);
  }
  if (!verifyEnvelope(envelope, publicKey)) throw invalid('signature');
  return { nodeId: envelope.sender, publicKey, peerId, bytes: bytes.slice() };
}
