/**
 * The first frame of every message stream: `[1, announcement, recipient]` canonically encoded, where
 * `announcement` is the sender's signed node announcement and `recipient` the 16 bytes of the GuidV4
 * the sender means to reach.
 *
 * The receiver checks that the announcement verifies, that its key is the connection's authenticated
 * remote key (noise), that the directory accepts the binding, and that the recipient is itself; only then
 * are the following frames delivered, with the announced GuidV4 as the sender. So a stream can never
 * deliver messages under a GuidV4 other than its key's, and a stale binding (a node restarted under
 * another GuidV4) cannot misdeliver.
 */
import {
  BrightChainError,
  type GuidV4,
  decodeTuple,
  encodeCanonical,
  guidV4ToBytes,
  parseGuidV4,
} from '@brightchain/core';
import { Libp2pTransportErrorCode } from './error-codes';
import { ANNOUNCEMENT_MAX_BYTES } from './node-announcement';

/** Version of the stream header. */
export const STREAM_HEADER_VERSION = 1;

/** Largest accepted stream header in bytes. */
export const STREAM_HEADER_MAX_BYTES = ANNOUNCEMENT_MAX_BYTES + 64;

/** A decoded (not yet verified) stream header. */
export interface StreamHeader {
  /** The sender's announcement bytes (verify with `readAnnouncement`). */
  readonly announcement: Uint8Array;
  /** The node the sender means to reach. */
  readonly recipient: GuidV4;
}

/** Encodes a stream header. @throws BrightChainError `BC_GUID_INVALID` for a bad recipient */
export function encodeStreamHeader(announcement: Uint8Array, recipient: GuidV4): Uint8Array {
  return encodeCanonical([STREAM_HEADER_VERSION, announcement, guidV4ToBytes(recipient)]);
}

/**
 * Decodes a stream header.
 *
 * @throws BrightChainError `BC_LIBP2P_PROTOCOL_VIOLATION` (details: `reason: 'header'`) for anything but
 * a version-1 header of the right shape
 */
export function decodeStreamHeader(bytes: Uint8Array): StreamHeader {
  try {
    const [version, announcement, recipient] = decodeTuple(bytes, ['integer', 'bytes', 'bytes'], {
      maxBytes: STREAM_HEADER_MAX_BYTES,
    });
    if (version !== STREAM_HEADER_VERSION) throw new Error(`unsupported stream header version ${version}`);
    return { announcement, recipient: parseGuidV4(recipient) };
  } catch (error) {
    throw new BrightChainError(Libp2pTransportErrorCode.PROTOCOL_VIOLATION, 'malformed stream header', {
      details: { reason: 'header' },
      cause: error,
    });
  }
}
