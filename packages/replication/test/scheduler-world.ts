/** A one-scheduler test world (not a test file itself). */
import { BlockIndex } from '@brightchain/block-index';
import { type GuidV4, ManualClock, SeededRandom } from '@brightchain/core';
import {
  ReplicationScheduler,
  type ReplicationSchedulerOptions,
  type SelectionCandidate,
  closestNode,
  rendezvousWeight,
} from '@brightchain/replication';
import { T0, blockHex, candidate, nodeIds } from './fixtures';

export interface World {
  readonly ids: GuidV4[];
  readonly self: GuidV4;
  readonly index: BlockIndex;
  readonly clock: ManualClock;
  readonly scheduler: ReplicationScheduler;
  readonly regionOf: (id: GuidV4) => string;
  readonly candidates: SelectionCandidate[];
  /** Stores block `n` (a label or a hex id) at the given nodes. */
  place(n: number | string, holders: readonly GuidV4[]): void;
  /**
   * Stores a block named after `label` at self and `others` other nodes such that self is its
   * repairer (the block's name gets a suffix when `label` itself cannot work).
   */
  placeRepairable(
    label: number | string,
    others: number,
    pool?: readonly GuidV4[],
  ): { hex: string; id: Uint8Array; others: GuidV4[] };
  /** Ticks at `clock.now() + ms`. */
  advance(ms: number): void;
}

export function makeWorld(
  options: {
    nodes?: number;
    regions?: number;
    seed?: string;
    scheduler?: Partial<ReplicationSchedulerOptions>;
    candidate?: (id: GuidV4, i: number, region: string) => SelectionCandidate;
  } = {},
): World {
  const n = options.nodes ?? 10;
  const regions = options.regions ?? 3;
  const ids = nodeIds(n, options.seed ?? 'world');
  const self = ids[0]!;
  const clock = new ManualClock(T0);
  const index = new BlockIndex({ replicaId: self, clock });
  const region = new Map(ids.map((id, i) => [id, `r${i % regions}`]));
  const regionOf = (id: GuidV4) => region.get(id) as string;
  const candidates = ids.map(
    (id, i) => options.candidate?.(id, i, regionOf(id)) ?? candidate(id, { region: regionOf(id) }),
  );
  const scheduler = new ReplicationScheduler({
    nodeId: self,
    index,
    random: new SeededRandom(options.seed ?? 'world'),
    now: T0,
    candidates,
    ...(options.scheduler ?? {}),
  });
  const place = (b: number | string, holders: readonly GuidV4[]) => {
    const hex = typeof b === 'string' && /^[0-9a-f]{128}$/.test(b) ? b : blockHex(b);
    for (const h of holders) index.recordStored(hex, h, regionOf(h));
  };
  const blockBytesOfHex = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'));
  return {
    ids,
    self,
    index,
    clock,
    scheduler,
    regionOf,
    candidates,
    place,
    placeRepairable(label, others, pool = ids.slice(1)) {
      for (let attempt = 0; attempt < 1000; attempt++) {
        const name = attempt === 0 ? String(label) : `${label}/${attempt}`;
        const hex = blockHex(name);
        const own = rendezvousWeight(hex, self);
        const heavier = pool.filter((id) => id !== self && rendezvousWeight(hex, id) > own);
        if (heavier.length < others) continue;
        const start = attempt % Math.max(1, heavier.length - others + 1);
        const chosen = heavier.slice(start, start + others);
        if (closestNode(hex, [self, ...chosen]) !== self) throw new Error('rendezvous disagrees');
        place(hex, [self, ...chosen]);
        return { hex, id: blockBytesOfHex(hex), others: chosen };
      }
      throw new Error('no holder set found');
    },
    advance(ms) {
      clock.advance(ms);
      scheduler.tick(clock.now());
    },
  };
}
