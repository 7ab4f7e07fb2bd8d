/**
 * Which copies of an over-replicated block to drop. Safety first:
 *
 * - only blocks with more live copies than `maximumCopies` are trimmed, by at most
 *   `live − maximum` copies;
 * - never below `targetCopies` durable copies: only `SERVING`, unsuspected copies are dropped, and at
 *   most `durable − target` of them (leaving and suspected copies may vanish on their own);
 * - with geographic spread, never the last durable copy in a region;
 * - (the scheduler adds: never while a copy job of the same block is in flight, never while
 *   partitioned, only by the block's repairer.)
 *
 * Preference: a copy in the region holding the most durable copies, then the least reliable node,
 * then the largest rendezvous weight (the repairer, the smallest, stays).
 */
import { HolderState } from '@brightchain/block-index';
import type { GuidV4 } from '@brightchain/core';
import { blockKeyOf, weightOf } from './rendezvous';

/** One holder as the trim planner sees it. */
export interface TrimHolder {
  readonly holder: GuidV4;
  readonly region: string;
  readonly state: HolderState;
  readonly suspected?: boolean;
}

/** What {@link chooseCopiesToTrim} needs. */
export interface TrimPlanInput {
  readonly blockId: string | Uint8Array;
  readonly holders: readonly TrimHolder[];
  /** Effective target (finite). */
  readonly targetCopies: number;
  /** Maximum (`Infinity` never trims). */
  readonly maximumCopies: number;
  readonly geographicSpread: boolean;
  /** Reliability of a node in [0, 1]; unknown nodes count as 1. */
  readonly reliabilityOf?: (node: GuidV4) => number;
}

/**
 * The holders whose copies to drop (possibly none), in the order chosen.
 *
 * @throws nothing for well-formed input
 * @example
 * ```ts
 * const drop = chooseCopiesToTrim({ blockId, holders, targetCopies: 3, maximumCopies: 5, geographicSpread: true });
 * ```
 */
export function chooseCopiesToTrim(input: TrimPlanInput): GuidV4[] {
  if (!Number.isFinite(input.maximumCopies)) return [];
  const live = input.holders.filter((h) => h.state !== HolderState.UNAVAILABLE);
  const durable = live.filter((h) => h.state === HolderState.SERVING && h.suspected !== true);
  const count = Math.min(live.length - input.maximumCopies, durable.length - input.targetCopies);
  if (count <= 0) return [];
  const perRegion = new Map<string, number>();
  for (const h of durable) perRegion.set(h.region, (perRegion.get(h.region) ?? 0) + 1);
  const key = blockKeyOf(input.blockId);
  const reliability = (node: GuidV4) => input.reliabilityOf?.(node) ?? 1;
  const remaining = [...durable];
  const dropped: GuidV4[] = [];
  while (dropped.length < count) {
    let best: TrimHolder | undefined;
    for (const h of remaining) {
      const inRegion = perRegion.get(h.region) ?? 0;
      if (input.geographicSpread && inRegion <= 1) continue;
      if (best === undefined || prefer(h, best)) best = h;
    }
    if (best === undefined) break;
    dropped.push(best.holder);
    remaining.splice(remaining.indexOf(best), 1);
    perRegion.set(best.region, (perRegion.get(best.region) ?? 1) - 1);
  }
  return dropped;

  function prefer(a: TrimHolder, b: TrimHolder): boolean {
    const ra = perRegion.get(a.region) ?? 0;
    const rb = perRegion.get(b.region) ?? 0;
    if (ra !== rb) return ra > rb;
    const la = reliability(a.holder);
    const lb = reliability(b.holder);
    if (la !== lb) return la < lb;
    const wa = weightOf(key, a.holder);
    const wb = weightOf(key, b.holder);
    if (wa !== wb) return wa > wb;
    return a.holder > b.holder;
  }
}
