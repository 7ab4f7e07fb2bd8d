/**
 * Error codes thrown by `@brightchain/sim`. `docs/errors.md` lists every package's codes.
 */
export const SimErrorCode = {
  /** A simulation option is missing, of the wrong type or out of range. */
  OPTIONS_INVALID: 'BC_SIM_OPTIONS_INVALID',
  /** A fault schedule (JSON or object) does not match the documented format. */
  SCHEDULE_INVALID: 'BC_SIM_SCHEDULE_INVALID',
  /** A link configuration (latency distribution, loss, bandwidth …) is invalid. */
  LINK_INVALID: 'BC_SIM_LINK_INVALID',
  /** A node index or GuidV4 does not name a node of this simulation. */
  NODE_UNKNOWN: 'BC_SIM_NODE_UNKNOWN',
  /** An operation does not fit the node's current state (e.g. restarting a node that is up). */
  NODE_STATE: 'BC_SIM_NODE_STATE',
  /** No scenario is registered under the requested name. */
  SCENARIO_UNKNOWN: 'BC_SIM_SCENARIO_UNKNOWN',
  /** No protocol is registered under the requested name. */
  PROTOCOL_UNKNOWN: 'BC_SIM_PROTOCOL_UNKNOWN',
  /** A protocol, scenario or plugin name is already registered, or two plugins share a section name. */
  NAME_TAKEN: 'BC_SIM_NAME_TAKEN',
  /** Time was asked to move backwards (scheduling in the past, running to an earlier time). */
  TIME_INVALID: 'BC_SIM_TIME_INVALID',
} as const;

/** Union of every sim error code string. */
export type SimErrorCode = (typeof SimErrorCode)[keyof typeof SimErrorCode];
