/**
 * How replication work is ranked — the seed's question "how to prioritise replication jobs?",
 * answered by remaining copies, data importance and access patterns, in that order:
 *
 * 1. **Level** from the block's condition (`priorityLevelOf`), reported as the policy's number for
 *    that level (`ReplicationJob.priority`, higher first): CRITICAL when live copies are below the
 *    minimum; HIGH when the copies that will remain (without leaving or suspected holders) are below
 *    the minimum, or for a shutdown drain (it has a deadline); MEDIUM below target; LOW for spread only.
 * 2. **Remaining copies**, fewest first (Storj orders its repair queue by segment health; a block
 *    one failure away from loss goes before one two failures away).
 * 3. **Importance**: the block's importance class (the index metadata's `priority`), higher first.
 * 4. **Access heat**: recently read blocks first (an exponentially decayed read count).
 * 5. Block id, for a total, deterministic order.
 */
import type { PriorityLevel, PriorityLevels } from './replication-policy';

/** Why a block needs work. */
export type ReplicationTrigger =
  /** Live copies below `minimumCopies`. */
  | 'BELOW_MINIMUM'
  /** Live copies below `targetCopies` (a holder lost, down past the repair delay, or dropped). */
  | 'BELOW_TARGET'
  /** A holder is suspected (failure predicted): copy before it is gone. */
  | 'PREDICTED_FAILURE'
  /** A holder announced a shutdown: drain its copies before `shutdownTime`. */
  | 'SHUTDOWN_DRAIN'
  /** Enough copies, but in too few regions. */
  | 'GEOGRAPHIC_SPREAD';

/** What the level depends on. */
export interface BlockCondition {
  readonly trigger: ReplicationTrigger;
  /** Copies that serve reads now. */
  readonly liveCopies: number;
  /** Copies expected to remain: live, not leaving, not suspected. */
  readonly remainingCopies: number;
  readonly minimumCopies: number;
}

/**
 * The priority level of a block's condition (see the file comment).
 *
 * @throws nothing
 * @example
 * ```ts
 * priorityLevelOf({ trigger: 'BELOW_TARGET', liveCopies: 1, remainingCopies: 1, minimumCopies: 2 }); // 'CRITICAL'
 * ```
 */
export function priorityLevelOf(condition: BlockCondition): PriorityLevel {
  if (condition.liveCopies < condition.minimumCopies) return 'CRITICAL';
  if (condition.remainingCopies < condition.minimumCopies || condition.trigger === 'SHUTDOWN_DRAIN')
    return 'HIGH';
  if (condition.trigger === 'GEOGRAPHIC_SPREAD') return 'LOW';
  return 'MEDIUM';
}

/**
 * The job priority number of a level under a policy's `priorityLevels`.
 *
 * @throws nothing
 * @example
 * ```ts
 * priorityNumber(DEFAULT_PRIORITY_LEVELS, 'CRITICAL'); // 3
 * ```
 */
export function priorityNumber(levels: PriorityLevels, level: PriorityLevel): number {
  return levels[level];
}

/** The sort key of one piece of work. */
export interface JobRank {
  /** The level's number (higher first). */
  readonly priority: number;
  /** Fewest first. */
  readonly remainingCopies: number;
  /** Importance class, higher first. */
  readonly importance: number;
  /** Access heat, higher first. */
  readonly heat: number;
  /** Lower-case hex block id, ascending (the final tie-break). */
  readonly blockHex: string;
}

/**
 * Total order of work: negative when `a` goes first.
 *
 * @throws nothing
 * @example
 * ```ts
 * ranks.sort(compareJobRanks); // most urgent first
 * ```
 */
export function compareJobRanks(a: JobRank, b: JobRank): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.remainingCopies !== b.remainingCopies) return a.remainingCopies - b.remainingCopies;
  if (a.importance !== b.importance) return b.importance - a.importance;
  if (a.heat !== b.heat) return b.heat > a.heat ? 1 : -1;
  return a.blockHex < b.blockHex ? -1 : a.blockHex > b.blockHex ? 1 : 0;
}
