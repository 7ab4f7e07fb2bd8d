export { QuorumErrorCode } from './error-codes';
export {
  checkThresholdRule,
  requireCount,
  requireFraction,
  requireMoreThan,
  resolveThreshold,
} from './threshold-rule';
export type { Requirement, ResolvedThreshold, ThresholdRule } from './threshold-rule';
export { countVotes } from './vote-counting';
export type { CountOutcome, Tally } from './vote-counting';
export { DEFAULT_GOVERNANCE_RULES, QUORUM_VOTE_TYPES } from './governance-rules';
export type { GovernanceRules, QuorumVoteType } from './governance-rules';
export { MemberSet } from './member-set';
export {
  PROPOSAL_ACTIONS,
  PROPOSAL_DOMAIN,
  proposalHash,
  proposalTarget,
  signProposal,
  verifyProposalSignature,
} from './proposal';
export type {
  ParameterValue,
  Proposal,
  ProposalParameters,
  ProposalTarget,
  SignedProposal,
  UnsignedProposal,
} from './proposal';
export { VOTE_DOMAIN, signVote, verifyVoteSignature, votePayload } from './signed-vote';
export type { SignedVote, UnsignedVote } from './signed-vote';
export type { QuorumVote, QuorumVoteBallot, QuorumVoteStatus } from './quorum-vote';
export {
  dealFeldman,
  interpolateAtZero,
  reconstructFeldmanSecret,
  verifyFeldmanShare,
} from './feldman-vss';
export type { FeldmanDeal, FeldmanReconstruction, FeldmanShare } from './feldman-vss';
export { ECIES_OVERHEAD, eciesDecrypt, eciesEncrypt } from './ecies';
export {
  checkSharing,
  decryptDocument,
  openEncryptedShare,
  reconstructDocument,
  sealDocument,
  sharingHash,
} from './sealed-document';
export type {
  DocumentReconstruction,
  DocumentSeal,
  DocumentSharing,
  EncryptedShare,
  PresentedShare,
  SealedDocument,
} from './sealed-document';
export {
  checkReshareDeal,
  combineReshare,
  dealReshare,
  designatedDealers,
  openSubShare,
} from './resharing';
export type { EncryptedSubShare, ReshareDeal } from './resharing';
export { createShareRelease, openShareRelease, verifyShareRelease } from './share-release';
export type { ShareRelease } from './share-release';
export { decodeGovernorMessage, encodeGovernorMessage } from './governor-messages';
export type { DealContext, GovernorMessage, GovernorMessageKind } from './governor-messages';
export type { GovernorEvent, GovernorEventType } from './governor-events';
export {
  GENESIS_PREVIOUS_HASH,
  VOTE_LOG_NAME,
  appendVoteLog,
  decodeVoteLogEntry,
  encodeVoteLogEntry,
  readVoteLog,
  verifyVoteLogChain,
} from './vote-log';
export type { ClosedStatus, OutcomeReason, VoteLogBody, VoteLogEntry, VoteLogKind } from './vote-log';
export { verifyVoteRecord } from './vote-record-verifier';
export type { VerifyVoteRecordOptions, VoteRecordReport } from './vote-record-verifier';
export { QuorumGovernor } from './quorum-governor';
export type {
  GovernorGenesis,
  GovernorIdentity,
  GovernorSnapshot,
  ProposalRequest,
  QuorumGovernorBaseOptions,
  QuorumGovernorOptions,
} from './quorum-governor';
