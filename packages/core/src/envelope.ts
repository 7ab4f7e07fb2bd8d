/**
 * The wire envelope: every message between nodes travels as one canonical tuple
 *
 *   `[version = 1, type, sender (16 GUID bytes), payload, signature (64 bytes) | null]`
 *
 * The payload is opaque bytes (normally the canonical encoding of the protocol message named by
 * `type`). A signature, when present, is `signMessage(secretKey, 'brightchain/envelope/v1', u)` over
 * `u = encodeCanonical([1, type, sender bytes, payload])`, the unsigned tuple.
 *
 * Decoders check the version first: a tuple whose first field is an integer other than 1 is
 * `BC_ENVELOPE_VERSION` whatever its other fields, so a newer peer's messages are recognised as such.
 */
import { decodeStrict, encodeCanonical } from './canonical';
import { assertTupleShape } from './canonical-tuple';
import type { DecodeLimits } from './decode-limits';
import { BrightChainError } from './errors';
import { CoreErrorCode } from './error-codes';
import { type GuidV4, guidV4ToBytes, parseGuidV4 } from './guid';
import { signMessage, verifyMessage } from './identity';
import { type SignatureBuffer, signatureFormatProblem } from './signature';

/** The envelope format version this code reads and writes. */
export const ENVELOPE_VERSION = 1;

/** The signature domain of envelopes. */
export const ENVELOPE_DOMAIN = 'brightchain/envelope/v1';

/** An envelope's fields without its signature: what {@link signEnvelope} signs. */
export interface UnsignedEnvelope {
  /** Format version; always 1. */
  readonly version: 1;
  /** Message type, 1–128 printable ASCII characters without spaces, e.g. `node-state/heartbeat`. */
  readonly type: string;
  /** The sending node's id. */
  readonly sender: GuidV4;
  /** The message bytes. */
  readonly payload: Uint8Array;
}

/** A wire message: the unsigned fields plus an optional signature by the sender's member key. */
export interface Envelope extends UnsignedEnvelope {
  /** Low-S signature over the unsigned tuple in domain {@link ENVELOPE_DOMAIN}. */
  readonly signature?: SignatureBuffer;
}

const TYPE_PATTERN = /^[\x21-\x7e]{1,128}$/;

function envelopeInvalid(
  message: string,
  details: Record<string, unknown>,
  cause?: unknown,
): BrightChainError {
  return new BrightChainError(
    CoreErrorCode.ENVELOPE_INVALID,
    `invalid envelope: ${message}`,
    cause === undefined ? { details } : { details, cause },
  );
}

type UnsignedTuple = [version: number, type: string, sender: Uint8Array, payload: Uint8Array];

/** Checks the unsigned fields; returns the canonical sender id and the unsigned tuple. */
function checkUnsigned(envelope: UnsignedEnvelope): { sender: GuidV4; tuple: UnsignedTuple } {
  if (typeof envelope !== 'object' || envelope === null) throw envelopeInvalid('not an object', {});
  if (envelope.version !== ENVELOPE_VERSION) {
    throw new BrightChainError(
      CoreErrorCode.ENVELOPE_VERSION,
      `unsupported envelope version ${String(envelope.version)}`,
      { details: { version: String(envelope.version), supported: ENVELOPE_VERSION } },
    );
  }
  if (typeof envelope.type !== 'string' || !TYPE_PATTERN.test(envelope.type)) {
    throw envelopeInvalid('type must be 1–128 printable ASCII characters without spaces', {
      field: 'type',
      type: String(envelope.type).slice(0, 64),
    });
  }
  let sender: GuidV4;
  try {
    if (typeof envelope.sender !== 'string') throw new TypeError('sender must be a string');
    sender = parseGuidV4(envelope.sender);
  } catch (error) {
    throw envelopeInvalid('sender is not a GuidV4', { field: 'sender' }, error);
  }
  if (!(envelope.payload instanceof Uint8Array)) {
    throw envelopeInvalid('payload must be a Uint8Array', { field: 'payload' });
  }
  return { sender, tuple: [ENVELOPE_VERSION, envelope.type, guidV4ToBytes(sender), envelope.payload] };
}

/**
 * The canonical wire bytes of `envelope`.
 *
 * @throws BrightChainError `BC_ENVELOPE_INVALID` for a bad type, sender, payload or signature format;
 * `BC_ENVELOPE_VERSION` if `version` is not 1
 * @example
 * ```ts
 * const bytes = encodeEnvelope({ version: 1, type: 'example/ping', sender: nodeId, payload: encodeCanonical([1]) });
 * await transport.send(peer, bytes);
 * ```
 */
export function encodeEnvelope(envelope: Envelope): Uint8Array {
  const { tuple } = checkUnsigned(envelope);
  const signature = envelope.signature;
  if (signature !== undefined) {
    const problem = signatureFormatProblem(signature);
    if (problem !== undefined)
      throw envelopeInvalid(`signature ${problem}`, { field: 'signature', reason: problem });
  }
  return encodeCanonical([...tuple, signature ?? null]);
}

/**
 * Decodes wire bytes into an envelope. It checks structure only; call {@link verifyEnvelope} with the
 * sender's public key to check the signature.
 *
 * @param bytes - bytes received from a transport
 * @param limits - decode limits (set `maxBytes` to the transport's message limit)
 * @throws BrightChainError `BC_DECODE_LIMIT` / `BC_DECODE_INVALID` for bytes that are not a canonical
 * value within the limits; `BC_ENVELOPE_VERSION` (details: `version`) for a version other than 1;
 * `BC_ENVELOPE_INVALID` (details: `field` or `reason`) for a wrong shape, type, sender, payload or
 * signature format (a high-S signature is malformed)
 * @example
 * ```ts
 * transport.onMessage((from, bytes) => {
 *   const envelope = decodeEnvelope(bytes, { maxBytes: transport.maxMessageBytes });
 *   if (!verifyEnvelope(envelope, keyOf(envelope.sender))) return;
 * });
 * ```
 */
export function decodeEnvelope(bytes: Uint8Array, limits?: Partial<DecodeLimits>): Envelope {
  const value = decodeStrict(bytes, limits);
  if (!Array.isArray(value) || value.length === 0 || !Number.isSafeInteger(value[0])) {
    throw envelopeInvalid('not a versioned tuple', { reason: 'shape' });
  }
  if (value[0] !== ENVELOPE_VERSION) {
    throw new BrightChainError(CoreErrorCode.ENVELOPE_VERSION, `unsupported envelope version ${value[0]}`, {
      details: { version: value[0], supported: ENVELOPE_VERSION },
    });
  }
  try {
    assertTupleShape(value, ['integer', 'string', 'bytes', 'bytes', 'bytes?'] as const);
  } catch (error) {
    const details = BrightChainError.isInstance(error) ? error.details : {};
    throw envelopeInvalid(
      'fields do not match [version, type, sender, payload, signature]',
      { ...details },
      error,
    );
  }
  const [, type, senderBytes, payload, signature] = value;
  if (!TYPE_PATTERN.test(type)) {
    throw envelopeInvalid('type must be 1–128 printable ASCII characters without spaces', {
      field: 'type',
      type: type.slice(0, 64),
    });
  }
  let sender: GuidV4;
  try {
    sender = parseGuidV4(senderBytes);
  } catch (error) {
    throw envelopeInvalid('sender is not 16 GuidV4 bytes', { field: 'sender' }, error);
  }
  if (signature === null) return { version: ENVELOPE_VERSION, type, sender, payload };
  const problem = signatureFormatProblem(signature);
  if (problem !== undefined)
    throw envelopeInvalid(`signature ${problem}`, { field: 'signature', reason: problem });
  return { version: ENVELOPE_VERSION, type, sender, payload, signature: signature as SignatureBuffer };
}

/**
 * Signs the unsigned fields of `envelope` with the sender's member secret key and returns the signed
 * envelope (any signature already on it is replaced).
 *
 * @throws BrightChainError `BC_KEY_INVALID` for a bad secret key; `BC_ENVELOPE_INVALID` /
 * `BC_ENVELOPE_VERSION` for bad fields
 * @example
 * ```ts
 * const signed = signEnvelope(keys.secretKey, { version: 1, type: 'example/ping', sender: nodeId, payload });
 * verifyEnvelope(signed, keys.publicKey); // true
 * ```
 */
export function signEnvelope(secretKey: Uint8Array, envelope: UnsignedEnvelope): Envelope {
  const { sender, tuple } = checkUnsigned(envelope);
  const signature = signMessage(secretKey, ENVELOPE_DOMAIN, encodeCanonical(tuple));
  return { version: ENVELOPE_VERSION, type: envelope.type, sender, payload: envelope.payload, signature };
}

/**
 * True when `envelope` carries a valid signature by `publicKey` over its unsigned fields. An unsigned
 * envelope, malformed fields, a malformed key or a bad signature all give false; it never throws.
 *
 * @throws nothing
 * @example
 * ```ts
 * if (!verifyEnvelope(envelope, member.publicKey)) return; // drop forged or unsigned messages
 * ```
 */
export function verifyEnvelope(envelope: Envelope, publicKey: Uint8Array): boolean {
  try {
    if (envelope.signature === undefined) return false;
    return verifyMessage(
      publicKey,
      ENVELOPE_DOMAIN,
      encodeCanonical(checkUnsigned(envelope).tuple),
      envelope.signature,
    );
  } catch {
    return false;
  }
}
