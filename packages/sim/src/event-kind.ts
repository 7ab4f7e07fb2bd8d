/** The kinds of events in the simulator's queue (small integers for the typed-array queue). */
export const EventKind = {
  /** A message arrives: a = sender index, b = receiver index, payload = the message. */
  DELIVER: 0,
  /** A node's periodic tick: a = node index, b = the node's incarnation when it was scheduled. */
  TICK: 1,
  /** A paused node resumes: a = node index, b = the pause's token. */
  RESUME: 2,
  /** A scheduled callback (nemesis action, plugin timer): payload = the function. */
  CALLBACK: 3,
  /** Periodic invariant check. */
  CHECK: 4,
} as const;
