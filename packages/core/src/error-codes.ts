/**
 * Error codes thrown by `@brightchain/core`. Other packages define their own `BC_<AREA>_…` codes;
 * `docs/errors.md` is the table of all of them.
 */
export const CoreErrorCode = {
  /** An argument is of the wrong type or out of range. */
  INVALID_ARGUMENT: 'BC_INVALID_ARGUMENT',
  /** A string or byte array is not an RFC 4122 version-4 GUID. */
  GUID_INVALID: 'BC_GUID_INVALID',
  /** A clock was asked to move backwards or to a non-finite time. */
  CLOCK_INVALID: 'BC_CLOCK_INVALID',
  /** A value cannot be encoded canonically (float NaN, undefined, unsupported type, cycle). */
  ENCODE_UNSUPPORTED: 'BC_ENCODE_UNSUPPORTED',
  /** Bytes are not a valid canonical encoding (malformed, non-canonical, trailing bytes). */
  DECODE_INVALID: 'BC_DECODE_INVALID',
  /** Decoding would exceed a size, depth or element-count limit. */
  DECODE_LIMIT: 'BC_DECODE_LIMIT',
  /** A wire envelope has a version this code does not understand. */
  ENVELOPE_VERSION: 'BC_ENVELOPE_VERSION',
  /** A wire envelope is malformed (wrong field types, bad sender). */
  ENVELOPE_INVALID: 'BC_ENVELOPE_INVALID',
  /** A checksum is not 64 bytes / 128 hex characters. */
  CHECKSUM_INVALID: 'BC_CHECKSUM_INVALID',
  /** A hash domain tag is empty, too long or not printable ASCII. */
  HASH_DOMAIN_INVALID: 'BC_HASH_DOMAIN_INVALID',
  /** A secret or public key is malformed. */
  KEY_INVALID: 'BC_KEY_INVALID',
  /** A signature is malformed, high-S, or does not verify. */
  SIGNATURE_INVALID: 'BC_SIGNATURE_INVALID',
  /** A store operation was rejected (size limit, bad key, closed store). */
  STORE_INVALID: 'BC_STORE_INVALID',
  /** The store is closed. */
  STORE_CLOSED: 'BC_STORE_CLOSED',
  /** A stored log or record failed its integrity check beyond a torn tail. */
  STORE_CORRUPT: 'BC_STORE_CORRUPT',
  /** Another open store holds the medium (one open store per `MemoryDisk` or database at a time). */
  STORE_LOCKED: 'BC_STORE_LOCKED',
  /** A message is larger than the transport allows. */
  TRANSPORT_MESSAGE_TOO_LARGE: 'BC_TRANSPORT_MESSAGE_TOO_LARGE',
  /** The destination peer is unknown or cannot be reached. */
  TRANSPORT_UNREACHABLE: 'BC_TRANSPORT_UNREACHABLE',
  /** The transport is closed. */
  TRANSPORT_CLOSED: 'BC_TRANSPORT_CLOSED',
  /** An open endpoint with this node id already exists on the network. */
  TRANSPORT_ENDPOINT_IN_USE: 'BC_TRANSPORT_ENDPOINT_IN_USE',
} as const;

/** Union of every core error code string. */
export type CoreErrorCode = (typeof CoreErrorCode)[keyof typeof CoreErrorCode];
