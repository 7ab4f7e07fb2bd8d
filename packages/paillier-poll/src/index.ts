export { PollErrorCode } from './error-codes';
export type { ModularExponentiation } from './modular-exponentiation';
export { mod, slidingWindow, squareAndMultiply } from './modular-exponentiation';
export { multiExponentiate } from './multi-exponentiation';
export { FixedBaseTable } from './fixed-base-table';
export { BarrettReducer, DivisionReducer, reducerFor } from './modular-reducer';
export type { ModularReducer } from './modular-reducer';
export { gcd, modInverse } from './modular-inverse';
export { randomBelow, randomBits, randomUnit } from './random-integers';
export { CHALLENGE_BITS, FiatShamirTranscript, PollDomain } from './fiat-shamir';
export { MIN_MODULUS_BITS, PaillierPublicKey, PRODUCTION_MODULUS_BITS } from './paillier-public-key';
export { PaillierEncryptor, randomizerBase } from './paillier-encryptor';
export type { EncryptionWitness, PaillierEncryptorOptions } from './paillier-encryptor';
export {
  assertThresholdPublicKey,
  crtModPowSquare,
  factorial,
  generateSafePrime,
  generateThresholdKey,
  isSafePrime,
  MAX_TRUSTEES,
} from './threshold-key';
export type {
  ThresholdKeyCeremony,
  ThresholdKeyOptions,
  ThresholdPublicKey,
  TrusteeKeyShare,
} from './threshold-key';
export {
  combineDecryptionShares,
  combineVerifiedShares,
  createDecryptionShare,
  decryptionShareTranscript,
  scaledLagrangeCoefficients,
  verifyDecryptionShare,
} from './decryption-share';
export type { DecryptionShare, DecryptionShareOptions, DecryptionShareProof } from './decryption-share';
export { assertBallotShape, weightedSumCiphertext } from './ballot-shape';
export type { BallotShape, SumConstraint } from './ballot-shape';
export { ballotTranscript, encryptBallot } from './ballot-proof';
export type {
  BallotContext,
  BallotProof,
  BallotStatement,
  EncryptedBallot,
  MembershipProof,
} from './ballot-proof';
export { ballotStatements, verifyBallot, verifyBallots, verifyBallotUnbatched } from './ballot-verifier';
export type { BallotToVerify, BallotVerificationOptions } from './ballot-verifier';
export { aggregateBallots, aggregateCiphertexts } from './tally';
export { BallotWorkerPool } from './ballot-worker-pool';
export type { BallotWorkerPoolOptions } from './ballot-worker-pool';
export {
  approval,
  borda,
  packedPlurality,
  plurality,
  score,
  supermajority,
  weightedPlurality,
  yesNo,
  yesNoAbstain,
} from './voting-methods';
export type { TallyResult, VotingMethod, YesNoAbstain } from './voting-methods';
