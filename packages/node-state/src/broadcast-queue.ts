/**
 * The transmit-limited broadcast queue of SWIM's infection-style dissemination (Das et al., DSN 2002,
 * §4.1) as memberlist implements it: every update is piggybacked at most
 * `retransmitMult × ceil(log10(N + 1))` times, updates sent fewer times go first (newest first among
 * equals), and a newer update about a member replaces any older one still queued.
 */
import type { MemberUpdate } from './membership-messages';

/**
 * How many times an update is transmitted in a cluster of `memberCount` members:
 * `retransmitMult × ceil(log10(memberCount + 1))` (memberCount is taken as at least 1).
 *
 * @example
 * ```ts
 * retransmitLimit(4, 9); // 4
 * retransmitLimit(4, 10); // 8
 * retransmitLimit(4, 1000); // 16
 * ```
 */
export function retransmitLimit(retransmitMult: number, memberCount: number): number {
  return retransmitMult * Math.ceil(Math.log10(Math.max(1, memberCount) + 1));
}

/** One queued update and how often it has been sent. */
export interface QueuedBroadcast {
  readonly update: MemberUpdate;
  /** Estimated encoded size in bytes. */
  readonly size: number;
  /** Times it has been handed out by {@link BroadcastQueue.take}. */
  readonly transmits: number;
  /** Enqueue order (larger = newer). */
  readonly order: number;
}

/** What {@link BroadcastQueue.take} may hand out. */
export interface TakeLimits {
  /** At most this many updates. */
  readonly maxCount: number;
  /** Their sizes sum to at most this many bytes. */
  readonly maxBytes: number;
  /** Current cluster size, for the retransmit limit. */
  readonly memberCount: number;
  /** The multiplier of {@link retransmitLimit}. */
  readonly retransmitMult: number;
  /** Skip the update about this member (already carried some other way). */
  readonly excludeId?: string;
}

interface Item {
  update: MemberUpdate;
  size: number;
  transmits: number;
  order: number;
}

/** Smallest update (a `left`), used to stop scanning once nothing more can fit. */
const MIN_UPDATE_BYTES = 21;

/**
 * Queue of pending membership updates, keyed by member id.
 *
 * `take` is O(k + items scanned) per call: items live in per-transmit-count tiers kept in enqueue
 * order, so the freshest are found without sorting the whole queue.
 *
 * @example
 * ```ts
 * const queue = new BroadcastQueue();
 * queue.enqueue({ kind: 'left', id, incarnation: 2 }, 21);
 * const updates = queue.take({ maxCount: 8, maxBytes: 1200, memberCount: 10, retransmitMult: 4 });
 * ```
 */
export class BroadcastQueue {
  private readonly byId = new Map<string, Item>();
  private readonly tiers: Item[][] = [];
  private nextOrder = 0;

  /** Number of queued updates. */
  get size(): number {
    return this.byId.size;
  }

  /**
   * Queues `update` (of estimated encoded `size` bytes) with zero transmits, replacing any queued
   * update about the same member.
   */
  enqueue(update: MemberUpdate, size: number): void {
    const old = this.byId.get(update.id);
    if (old !== undefined) this.removeFromTier(old);
    const item: Item = { update, size, transmits: 0, order: this.nextOrder++ };
    this.byId.set(update.id, item);
    this.insertIntoTier(item);
  }

  /** The queued update about `id`, if any. */
  get(id: string): QueuedBroadcast | undefined {
    const item = this.byId.get(id);
    return item === undefined ? undefined : { ...item };
  }

  /** Drops the queued update about `id`, if any. */
  delete(id: string): void {
    const item = this.byId.get(id);
    if (item === undefined) return;
    this.removeFromTier(item);
    this.byId.delete(id);
  }

  /** Drops everything. */
  clear(): void {
    this.byId.clear();
    this.tiers.length = 0;
  }

  /** Every queued update in the order `take` would prefer them. */
  entries(): QueuedBroadcast[] {
    const out: QueuedBroadcast[] = [];
    for (const tier of this.tiers) {
      if (tier === undefined) continue;
      for (let i = tier.length - 1; i >= 0; i--) out.push({ ...(tier[i] as Item) });
    }
    return out;
  }

  /**
   * Hands out the preferred updates within `limits` (fewest transmits first, newest first among
   * equals; an update that does not fit is skipped for smaller ones), counts one transmit for each
   * and drops those that reached the retransmit limit for the current cluster size (also those
   * that reached it only because the cluster shrank).
   */
  take(limits: TakeLimits): MemberUpdate[] {
    const limit = retransmitLimit(limits.retransmitMult, limits.memberCount);
    // The cluster may have shrunk since these were queued: drop what reached the current limit.
    while (this.tiers.length > limit) {
      for (const item of this.tiers.pop() as Item[]) this.byId.delete(item.update.id);
    }
    if (this.byId.size === 0 || limits.maxCount <= 0) return [];
    const chosen: Item[] = [];
    let bytes = 0;
    scan: for (const tier of this.tiers) {
      if (tier === undefined) continue;
      for (let i = tier.length - 1; i >= 0; i--) {
        const item = tier[i] as Item;
        if (item.update.id === limits.excludeId) continue;
        if (bytes + item.size > limits.maxBytes) continue;
        chosen.push(item);
        bytes += item.size;
        if (chosen.length >= limits.maxCount || limits.maxBytes - bytes < MIN_UPDATE_BYTES) break scan;
      }
    }
    const out: MemberUpdate[] = [];
    for (const item of chosen) {
      out.push(item.update);
      this.removeFromTier(item);
      item.transmits += 1;
      if (item.transmits >= limit) this.byId.delete(item.update.id);
      else this.insertIntoTier(item);
    }
    return out;
  }

  private insertIntoTier(item: Item): void {
    let tier = this.tiers[item.transmits];
    if (tier === undefined) {
      for (let t = this.tiers.length; t <= item.transmits; t++) this.tiers.push([]);
      tier = this.tiers[item.transmits] as Item[];
    }
    tier.splice(lowerBound(tier, item.order), 0, item);
  }

  private removeFromTier(item: Item): void {
    const tier = this.tiers[item.transmits];
    if (tier === undefined) return;
    const index = lowerBound(tier, item.order);
    if (tier[index] === item) tier.splice(index, 1);
  }
}

function lowerBound(tier: readonly Item[], order: number): number {
  let lo = 0;
  let hi = tier.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((tier[mid] as Item).order < order) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
