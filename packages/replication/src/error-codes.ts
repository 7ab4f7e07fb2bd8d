/**
 * Error codes thrown by `@brightchain/replication`. Each is a stable `BC_REPLICATION_<WHAT>` string;
 * `docs/errors.md` is the table of every package's codes. Every rejected input leaves the policy
 * resolver, the selector and the scheduler exactly as they were.
 */
export const ReplicationErrorCode = {
  /** A `ReplicationPolicy` breaks a rule (copy bounds not positive integers or not ordered, priority levels not ordered, unknown fields). */
  POLICY_INVALID: 'BC_REPLICATION_POLICY_INVALID',
  /** A node selection candidate or selection request is malformed (criteria out of range, bad node id, bad count). */
  SELECTION_INVALID: 'BC_REPLICATION_SELECTION_INVALID',
  /** Scheduler, backoff or limit options are out of range. */
  OPTIONS_INVALID: 'BC_REPLICATION_OPTIONS_INVALID',
  /** A host report names an unknown job or trim, a node that is not part of it, an outcome already reported, or contradicts the block index; nothing changed. */
  REPORT_INVALID: 'BC_REPLICATION_REPORT_INVALID',
  /** A scheduler command is malformed (bad node id, block id, event or shutdown request for another node); nothing changed. */
  COMMAND_INVALID: 'BC_REPLICATION_COMMAND_INVALID',
  /** `tick(now)` was given a time that is not finite or is earlier than the previous one. */
  TIME_INVALID: 'BC_REPLICATION_TIME_INVALID',
} as const;

/** Union of every `@brightchain/replication` error code string. */
export type ReplicationErrorCode = (typeof ReplicationErrorCode)[keyof typeof ReplicationErrorCode];
