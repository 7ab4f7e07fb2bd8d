export { BrightChainError, ensure } from './errors';
export type { BrightChainErrorOptions, ErrorDetails } from './errors';
export { CoreErrorCode } from './error-codes';
export { ManualClock, SystemClock } from './clock';
export type { Clock } from './clock';
export { CryptoRandom, SeededRandom } from './random';
export type { Random, Seed } from './random';
export { guidV4ToBytes, isGuidV4, newGuidV4, parseGuidV4 } from './guid';
export type { GuidV4 } from './guid';
export {
  CHECKSUM_LENGTH,
  checksum,
  checksumToHex,
  domainHash,
  domainXof,
  frameParts,
  parseChecksum,
  utf8Bytes,
} from './hash';
export type { ChecksumBuffer } from './hash';
export type { LogEntry, ScanOptions, Store, StoreLimits, WriteOperation } from './store';
export { MemoryDisk } from './memory-disk';
export type { CrashOptions } from './memory-disk';
export { MemoryStore } from './memory-store';
export type { MemoryStoreOptions } from './memory-store';
export type { MessageHandler, Transport } from './transport';
export { MemoryNetwork } from './memory-network';
export type { DeliveryFailure, MemoryNetworkOptions } from './memory-network';
export { ReadyBuilder } from './state-machine';
export type { Outgoing, Ready, StateMachine } from './state-machine';
export { bigintToBytes, byteWidth, bytesToBigint } from './bigint-bytes';
export {
  assertSignature,
  generateMemberKeyPair,
  publicKeyOf,
  signMessage,
  verifyMessage,
} from './identity';
export type { Member, MemberKeyPair, MemberRole } from './identity';
export { parsePublicKey } from './public-key';
export { SIGNATURE_LENGTH, parseSignature } from './signature';
export type { SignatureBuffer } from './signature';
export { decodeStrict, encodeCanonical } from './canonical';
export type { CanonicalValue } from './canonical';
export { DEFAULT_DECODE_LIMITS, MAX_NESTING_DEPTH } from './decode-limits';
export type { DecodeLimits } from './decode-limits';
export type { DecodeInvalidReason } from './canonical-scan';
export { decodeTuple } from './canonical-tuple';
export type { TupleField, TupleOf } from './canonical-tuple';
export {
  ENVELOPE_DOMAIN,
  ENVELOPE_VERSION,
  decodeEnvelope,
  encodeEnvelope,
  signEnvelope,
  verifyEnvelope,
} from './envelope';
export type { Envelope, UnsignedEnvelope } from './envelope';
export { BinaryHeap } from './binary-heap';
export { bytesEqual, compareBytes } from './bytes';
