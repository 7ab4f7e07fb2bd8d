/**
 * Error codes thrown by `@brightchain/node-state`. Each is a stable `BC_<AREA>_<WHAT>` string;
 * `docs/errors.md` is the table of every package's codes.
 */
export const NodeStateErrorCode = {
  // --- membership (SWIM + Lifeguard) ---
  /** A membership configuration value is missing, of the wrong type or out of range. */
  MEMBERSHIP_CONFIG_INVALID: 'BC_MEMBERSHIP_CONFIG_INVALID',
  /** Member metadata (address, type, region, capabilities) is malformed or over its size limits. */
  MEMBERSHIP_METADATA_INVALID: 'BC_MEMBERSHIP_METADATA_INVALID',
  /** A membership message received by `step` is malformed; it was rejected and nothing changed. */
  MEMBERSHIP_MESSAGE_INVALID: 'BC_MEMBERSHIP_MESSAGE_INVALID',
  /** A membership command (`join`, `updateMetadata`, constructor option) has a bad argument. */
  MEMBERSHIP_COMMAND_INVALID: 'BC_MEMBERSHIP_COMMAND_INVALID',
  /** A membership command was given after the node left the cluster. */
  MEMBERSHIP_NOT_ACTIVE: 'BC_MEMBERSHIP_NOT_ACTIVE',
  /** `tick(now)` was given a time that is not finite or is earlier than the previous one. */
  MEMBERSHIP_TIME_INVALID: 'BC_MEMBERSHIP_TIME_INVALID',
  // --- node lifecycle, status, reliability, credits, phi accrual, registry ---
  /** A lifecycle command asked for a state change the transition table forbids; nothing changed. */
  NODE_TRANSITION_ILLEGAL: 'BC_NODE_TRANSITION_ILLEGAL',
  /** A time given to a lifecycle, registry, ledger or phi detector is not finite or runs backwards. */
  NODE_TIME_INVALID: 'BC_NODE_TIME_INVALID',
  /** A `NodeStatus` failed validation (bad state or date, negative or inconsistent space, bad counts). */
  NODE_STATUS_INVALID: 'BC_NODE_STATUS_INVALID',
  /** Advertised node capabilities (type, access, bandwidth, regions, specialisations) are malformed. */
  NODE_CAPABILITIES_INVALID: 'BC_NODE_CAPABILITIES_INVALID',
  /** A `ShutdownRequest` is malformed, duplicates a block, or names another node. */
  NODE_SHUTDOWN_INVALID: 'BC_NODE_SHUTDOWN_INVALID',
  /** A drain command was given while the node has no scheduled shutdown in progress. */
  NODE_SHUTDOWN_NOT_ANNOUNCED: 'BC_NODE_SHUTDOWN_NOT_ANNOUNCED',
  /** A block's replication status did not move one step forward (PENDING → IN_PROGRESS → COMPLETED). */
  NODE_BLOCK_STATUS_INVALID: 'BC_NODE_BLOCK_STATUS_INVALID',
  /** A drain command named a block that is not in the node's shutdown request. */
  NODE_BLOCK_UNKNOWN: 'BC_NODE_BLOCK_UNKNOWN',
  /** The node tried to go offline with blocks not yet re-replicated and without `force`. */
  NODE_DRAIN_INCOMPLETE: 'BC_NODE_DRAIN_INCOMPLETE',
  /** A lifecycle or registry command or option has a malformed argument (empty reason, bad interval). */
  NODE_COMMAND_INVALID: 'BC_NODE_COMMAND_INVALID',
  /** A persisted lifecycle record is malformed and cannot be restored. */
  NODE_RECORD_INVALID: 'BC_NODE_RECORD_INVALID',
  /** A reliability observation, state or policy is out of range. */
  NODE_RELIABILITY_INVALID: 'BC_NODE_RELIABILITY_INVALID',
  /** A credit ledger entry or rate is malformed, or applying it would overflow the balance. */
  NODE_CREDIT_INVALID: 'BC_NODE_CREDIT_INVALID',
  /** A credit entry reuses the kind and reference of a different recorded entry. */
  NODE_CREDIT_CONFLICT: 'BC_NODE_CREDIT_CONFLICT',
  /** Phi accrual failure detector options are out of range. */
  NODE_DETECTOR_INVALID: 'BC_NODE_DETECTOR_INVALID',
  /** The registry has no node with this id. */
  NODE_UNKNOWN: 'BC_NODE_UNKNOWN',
  /** The node is permanently offline in the registry; it must be forgotten before it can rejoin. */
  NODE_RETIRED: 'BC_NODE_RETIRED',
  /** A node announcement is malformed (bad id, sequence or status). */
  NODE_ANNOUNCEMENT_INVALID: 'BC_NODE_ANNOUNCEMENT_INVALID',
  /** A registry query has a malformed filter. */
  NODE_QUERY_INVALID: 'BC_NODE_QUERY_INVALID',
} as const;

/** Union of every `@brightchain/node-state` error code string. */
export type NodeStateErrorCode = (typeof NodeStateErrorCode)[keyof typeof NodeStateErrorCode];
