/**
 * The assessment of one block: how many copies it has and will keep, what it needs, why (the
 * trigger), how urgent (the level), and who should act (the repairer). Pure: the scheduler feeds it
 * the block index's view plus its own knowledge of node health. This is where the seed's question
 * "what triggers replication?" is answered:
 *
 * - **copy count**: live copies below the minimum (`BELOW_MINIMUM`) or the target (`BELOW_TARGET`);
 * - **predicted failure**: a holder is suspected (SWIM suspicion, or φ at the suspicion level), so
 *   its copy is not counted as remaining (`PREDICTED_FAILURE`);
 * - **announced shutdown**: a `LEAVING` holder's copy is not durable; its blocks drain (`SHUTDOWN_DRAIN`);
 * - **geographic distribution**: two or more copies in fewer regions than wanted (`GEOGRAPHIC_SPREAD`).
 *
 * Copies on holders that are merely down (offline for less than the repair delay, Ceph's down → out)
 * are not replaced yet — unless live copies are already below the minimum and `urgentSkipsDelay`.
 */
import type { BlockHealth, HolderLocation } from '@brightchain/block-index';
import { HolderState } from '@brightchain/block-index';
import type { GuidV4 } from '@brightchain/core';
import { priorityLevelOf, type ReplicationTrigger } from './job-priority';
import { electRepairer } from './repairer-election';
import type { PriorityLevel, ReplicationPolicy } from './replication-policy';

/** What {@link assessBlock} reads. */
export interface AssessmentInput {
  readonly blockHex: string;
  readonly health: BlockHealth;
  readonly holders: readonly HolderLocation[];
  readonly policy: ReplicationPolicy;
  readonly now: number;
  /** Suspected (predicted to fail). */
  readonly isSuspected: (node: GuidV4) => boolean;
  /** For a holder that is down but may come back: when its repair delay ends; else undefined. */
  readonly graceUntil: (node: GuidV4) => number | undefined;
  /** For "everywhere" policies: eligible nodes that do not hold the block. */
  readonly eligibleNonHolders: () => number;
  /** Skip the repair delay when live copies are below the minimum. */
  readonly urgentSkipsDelay: boolean;
}

/** The result of {@link assessBlock}. */
export interface BlockAssessment {
  /** The node that should act on the block, if any holder can. */
  readonly repairer: GuidV4 | undefined;
  /** Copies that serve reads (SERVING or LEAVING). */
  readonly liveCopies: number;
  /** Copies that will remain: SERVING and not suspected. */
  readonly remainingCopies: number;
  readonly leavingCopies: number;
  readonly suspectedCopies: number;
  /** Down holders still within their repair delay (not replaced yet). */
  readonly graceCopies: number;
  /** Regions of the live copies. */
  readonly regions: readonly string[];
  /** Every holder that stores the block (live or not): never a target. */
  readonly storedHolders: readonly GuidV4[];
  /** The target in copies, "everywhere" resolved against the eligible nodes. */
  readonly effectiveTarget: number;
  /** Copies to add now (0 when none). */
  readonly deficit: number;
  /** Why copies are needed (undefined when nothing is to be copied). */
  readonly trigger: ReplicationTrigger | undefined;
  /** Level of that work (undefined with no trigger). */
  readonly level: PriorityLevel | undefined;
  /** The copy must go to a region not yet covered (spread repair). */
  readonly newRegionsOnly: boolean;
  /** Copies to drop (over maximum, never below target). */
  readonly surplus: number;
  /** When a copy withheld by the repair delay becomes due, if one is. */
  readonly deferredUntil: number | undefined;
}

/**
 * Assesses one block (see the file comment).
 *
 * @throws nothing for well-formed input
 * @example
 * ```ts
 * const a = assessBlock({ blockHex, health, holders, policy, now, isSuspected, graceUntil, eligibleNonHolders, urgentSkipsDelay: true });
 * if (a.repairer === self && a.deficit > 0) queue(a);
 * ```
 */
export function assessBlock(input: AssessmentInput): BlockAssessment {
  const { policy, now } = input;
  let live = 0;
  let remaining = 0;
  let leaving = 0;
  let suspected = 0;
  const regions: string[] = [];
  const storedHolders: GuidV4[] = [];
  const graceEnds: number[] = [];
  const candidates: { holder: GuidV4; state: HolderState; suspected: boolean }[] = [];
  for (const h of input.holders) {
    storedHolders.push(h.holder);
    if (!h.countsAsCopy) {
      const until = input.graceUntil(h.holder);
      if (until !== undefined && until > now) graceEnds.push(until);
      continue;
    }
    const isSuspect = input.isSuspected(h.holder);
    candidates.push({ holder: h.holder, state: h.state, suspected: isSuspect });
    live += 1;
    if (!regions.includes(h.region)) regions.push(h.region);
    if (h.state === HolderState.LEAVING) leaving += 1;
    else if (isSuspect) suspected += 1;
    else remaining += 1;
  }
  const effectiveTarget = Number.isFinite(policy.targetCopies)
    ? policy.targetCopies
    : remaining + input.eligibleNonHolders();
  const wanted = Math.max(0, effectiveTarget - remaining);
  const urgent = live < policy.minimumCopies && input.urgentSkipsDelay;
  const grace = urgent ? 0 : graceEnds.length;
  let deficit = Math.max(0, wanted - grace);
  const deferredUntil = wanted > deficit && graceEnds.length > 0 ? Math.min(...graceEnds) : undefined;

  let trigger: ReplicationTrigger | undefined;
  let newRegionsOnly = false;
  if (deficit > 0) {
    if (live < policy.minimumCopies) trigger = 'BELOW_MINIMUM';
    else if (leaving > 0) trigger = 'SHUTDOWN_DRAIN';
    else if (live >= effectiveTarget && suspected > 0) trigger = 'PREDICTED_FAILURE';
    else trigger = 'BELOW_TARGET';
  } else if (policy.geographicSpread && live >= 2 && graceEnds.length === 0) {
    const wantedRegions = Math.min(Math.max(2, input.health.metadata.minimumRegions), live);
    if (regions.length < wantedRegions) {
      trigger = 'GEOGRAPHIC_SPREAD';
      deficit = 1;
      newRegionsOnly = true;
    }
  }
  let surplus = 0;
  if (trigger === undefined && Number.isFinite(policy.maximumCopies) && live > policy.maximumCopies) {
    surplus = Math.max(0, Math.min(live - policy.maximumCopies, remaining - effectiveTarget));
  }
  const level =
    trigger === undefined
      ? undefined
      : priorityLevelOf({
          trigger,
          liveCopies: live,
          remainingCopies: remaining,
          minimumCopies: policy.minimumCopies,
        });
  return {
    repairer: electRepairer(input.blockHex, candidates),
    liveCopies: live,
    remainingCopies: remaining,
    leavingCopies: leaving,
    suspectedCopies: suspected,
    graceCopies: graceEnds.length,
    regions,
    storedHolders,
    effectiveTarget,
    deficit,
    trigger,
    level,
    newRegionsOnly,
    surplus,
    deferredUntil,
  };
}
