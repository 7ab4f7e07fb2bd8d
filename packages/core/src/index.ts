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
export type { MessageHandler, Transport } from './transport';
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
export type { Member, MemberKeyPair, MemberRole, SignatureBuffer } from './identity';
