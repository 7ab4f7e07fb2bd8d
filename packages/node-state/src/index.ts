// --- membership and failure detection (SWIM + Lifeguard) ---
export { SwimMembership } from './swim-membership';
export type { SwimMembershipOptions } from './swim-membership';
export {
  DEFAULT_MEMBERSHIP_CONFIG,
  MAX_PIGGYBACK_UPDATES,
  resolveMembershipConfig,
} from './membership-config';
export type {
  LifeguardConfig,
  MembershipConfig,
  MembershipConfigInput,
  PartitionConfig,
} from './membership-config';
export {
  MEMBER_METADATA_LIMITS,
  metadataEquals,
  metadataSize,
  validateMemberMetadata,
} from './membership-metadata';
export type { CapabilityValue, MemberMetadata, MemberNodeType } from './membership-metadata';
export {
  MEMBERSHIP_MESSAGE_LIMITS,
  validateMemberUpdate,
  validateMembershipMessage,
} from './membership-messages';
export type {
  AckMessage,
  AliveUpdate,
  DeadUpdate,
  GossipMessage,
  IndirectAckMessage,
  LeftUpdate,
  MemberRecord,
  MemberState,
  MemberUpdate,
  MembershipMessage,
  NackMessage,
  PingMessage,
  PingReqMessage,
  PushPullMessage,
  PushPullResponseMessage,
  SuspectUpdate,
} from './membership-messages';
export { sizeOfMemberUpdate, sizeOfMembershipMessage } from './membership-message-size';
export {
  decodeMembershipMessage,
  encodeMembershipMessage,
  MEMBERSHIP_ENVELOPE_TYPE,
  MEMBERSHIP_WIRE_VERSION,
} from './membership-codec';
export type {
  JoinCompletedEvent,
  JoinFailedEvent,
  LeaveCompletedEvent,
  LocalHealthChangedEvent,
  MemberAliveEvent,
  MemberDeadEvent,
  MemberJoinedEvent,
  MemberLeftEvent,
  MemberStateChangedEvent,
  MemberStatePoint,
  MemberSuspectedEvent,
  MemberUpdatedEvent,
  MembershipEvent,
  PartitionChangedEvent,
  SelfRefutedEvent,
} from './membership-events';
export type { MemberSnapshot, MembershipStatus, MembershipView, PartitionReading } from './membership-view';
export {
  checkMemberTransition,
  checkViewProgression,
  findViewDisagreements,
  viewsConverged,
} from './membership-invariants';
export type { MembershipViolation, ViewDisagreement } from './membership-invariants';
export { BroadcastQueue, retransmitLimit } from './broadcast-queue';
export type { QueuedBroadcast, TakeLimits } from './broadcast-queue';
export { SuspicionTimer, suspicionTimeoutAfter, suspicionTimeoutBounds } from './suspicion-timer';
export type { SuspicionTimeoutBounds, SuspicionTimerOptions } from './suspicion-timer';
export { LocalHealth } from './lifeguard-local-health';
export type { LocalHealthCause } from './lifeguard-local-health';
export { PartitionDetector } from './partition-detector';
export type { PartitionDetectorOptions, PartitionState, PartitionTransition } from './partition-detector';
export { ProbeOrder } from './probe-order';
// --- end membership ---
// --- node lifecycle, status, reliability, credits, phi accrual, registry ---
export { NodeStateErrorCode } from './error-codes';
export { NODE_STATES, NodeState, isNodeState, isRunningState } from './node-state';
export {
  NODE_STATE_TRANSITIONS,
  assertLegalTransition,
  isLegalTransition,
  isReachableState,
  legalTransitions,
} from './node-state-transitions';
export {
  NODE_CAPABILITY_LIMITS,
  defaultNodeCapabilities,
  sameCapabilities,
  validateNodeCapabilities,
} from './node-capabilities';
export type { BandwidthLimit, NodeCapabilities, NodeType } from './node-capabilities';
export { createNodeStatus, freeSpace, validateNodeStatus } from './node-status';
export type {
  NodeStatus,
  NodeStatusParts,
  PlannedDowntime,
  ReliabilityCounters,
  StorageMetrics,
} from './node-status';
export { canAcceptWrites, canServeReads, minimumTransferMs, regionAllowed } from './partial-availability';
export {
  BLOCK_REPLICATION_STATUSES,
  SHUTDOWN_REQUEST_LIMITS,
  assertNextBlockStatus,
  isNextBlockStatus,
  validateShutdownRequest,
} from './shutdown-request';
export type { AffectedBlock, BlockReplicationStatus, ShutdownRequest } from './shutdown-request';
export { ShutdownPlan } from './shutdown-planner';
export type { DrainProgress } from './shutdown-planner';
export { DEFAULT_DOWN_OUT_INTERVAL_MS, NodeLifecycle, downOutDeadline } from './node-lifecycle';
export type {
  EmergencyShutdownOptions,
  GoOfflineOptions,
  NodeLifecycleEvent,
  NodeLifecycleOptions,
  NodeLifecycleRecord,
  NodeStateChangedEvent,
} from './node-lifecycle';
export {
  DEFAULT_RELIABILITY_POLICY,
  RELIABILITY_STANDINGS,
  initialReliability,
  latencyComponent,
  recordEmergencyShutdown,
  recordLatency,
  recordOutcome,
  recordUptime,
  resolveReliabilityPolicy,
  summarizeReliability,
  validateReliabilityState,
} from './reliability-score';
export type {
  ReliabilityOutcome,
  ReliabilityPolicy,
  ReliabilityStanding,
  ReliabilityState,
  ReliabilitySummary,
} from './reliability-score';
export {
  CREDIT_ENTRY_KINDS,
  CreditLedger,
  DEFAULT_CREDIT_RATES,
  MICRO_CREDITS_PER_CREDIT,
  creditAmount,
  resolveCreditRates,
} from './credit-ledger';
export type { CreditBasis, CreditEntry, CreditEntryKind, CreditRates } from './credit-ledger';
export {
  DEFAULT_PHI_ACCRUAL_OPTIONS,
  PhiAccrualDetector,
  logNormalTail,
  phiOf,
  resolvePhiAccrualOptions,
} from './phi-accrual-detector';
export type { PhiAccrualOptions } from './phi-accrual-detector';
export { NodeRegistry, validateNodeAnnouncement } from './node-registry';
export type {
  NodeAnnouncement,
  NodeHealth,
  NodeQuery,
  NodeRegistryEvent,
  NodeRegistryOptions,
  RegisteredNode,
} from './node-registry';
// --- end node lifecycle ---
