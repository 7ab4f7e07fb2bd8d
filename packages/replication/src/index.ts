export { ReplicationErrorCode } from './error-codes';
export {
  DEFAULT_PRIORITY_LEVELS,
  DEFAULT_REPLICATION_POLICY,
  EVERY_ELIGIBLE_NODE,
  INDEX_COPY_LIMIT,
  blockMetadataFor,
  isEverywherePolicy,
  validateReplicationPolicy,
} from './replication-policy';
export type {
  BlockMetadataExtras,
  PriorityLevel,
  PriorityLevels,
  ReplicationPolicy,
} from './replication-policy';
export { ReplicationPolicyResolver } from './policy-resolver';
export type { ReplicationPolicyResolverOptions } from './policy-resolver';
export { compareJobRanks, priorityLevelOf, priorityNumber } from './job-priority';
export type { BlockCondition, JobRank, ReplicationTrigger } from './job-priority';
export { AccessHeat } from './access-heat';
export {
  canHostNewCopy,
  candidateFromRegisteredNode,
  regionOfCandidate,
  validateSelectionCandidate,
} from './node-selection-criteria';
export type { NodeSelectionCriteria, ObservedLoad, SelectionCandidate } from './node-selection-criteria';
export { NodeSelector } from './node-selector';
export type {
  NodeSelectorOptions,
  SelectionRequest,
  SelectionResult,
  SelectionStrategy,
} from './node-selector';
export { closestNode, rendezvousWeight } from './rendezvous';
export { electRepairer } from './repairer-election';
export type { RepairCandidate } from './repairer-election';
export { holderStateFor } from './holder-state-mapping';
export { assessBlock } from './block-assessment';
export type { AssessmentInput, BlockAssessment } from './block-assessment';
export { chooseCopiesToTrim } from './trim-planner';
export type { TrimHolder, TrimPlanInput } from './trim-planner';
export {
  DEFAULT_BACKOFF_POLICY,
  backoffDelayMs,
  nominalBackoffMs,
  resolveBackoffPolicy,
} from './retry-backoff';
export type { BackoffPolicy } from './retry-backoff';
export type {
  ReplicationJob,
  ReplicationJobStatus,
  ScheduledReplicationJob,
  TargetOutcome,
  TrimJob,
  TrimOutcome,
} from './replication-job';
export type {
  BlockAtRiskEvent,
  BlockLostEvent,
  BlockRestoredEvent,
  DrainCompletedEvent,
  DrainProgressedEvent,
  FailedTarget,
  JobCancelledEvent,
  JobCompletedEvent,
  JobFailedEvent,
  JobQueuedEvent,
  JobStartedEvent,
  ReplicationEvent,
  TrimCompletedEvent,
  TrimFailedEvent,
  TrimStartedEvent,
} from './replication-events';
export { MAX_REPORT_REASON_LENGTH, validateReplicationReport } from './replication-report';
export type { ReplicationReport } from './replication-report';
export {
  DEFAULT_REPAIR_DELAY_MS,
  DEFAULT_REPLICATION_LIMITS,
  ReplicationScheduler,
} from './replication-scheduler';
export type {
  ReplicationLimits,
  ReplicationSchedulerOptions,
  ReplicationSchedulerStats,
} from './replication-scheduler';
