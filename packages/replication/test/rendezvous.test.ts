import { HolderState } from '@brightchain/block-index';
import { closestNode, electRepairer, rendezvousWeight } from '@brightchain/replication';
import fc from 'fast-check';
import { blockHex, blockId, nodeIds } from './fixtures';

describe('rendezvous weights', () => {
  const ids = nodeIds(8, 'rendezvous');

  test('known answers (pinned: every node must compute the same weights)', () => {
    const pinned = ids.slice(0, 3).map((id) => rendezvousWeight(blockHex(0), id));
    expect(pinned).toEqual([4645597400492512, 6549161514922632, 4830340405837318]);
  });

  test('hex and bytes give the same weight; weights are 53-bit integers', () => {
    for (let b = 0; b < 50; b++) {
      for (const id of ids) {
        const w = rendezvousWeight(blockId(b), id);
        expect(w).toBe(rendezvousWeight(blockHex(b), id));
        expect(Number.isSafeInteger(w)).toBe(true);
        expect(w).toBeGreaterThanOrEqual(0);
      }
    }
  });

  test('closestNode does not depend on the order of the nodes', () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.shuffledSubarray(ids, { minLength: 1 }), (b, subset) => {
        const expected = [...subset].sort(
          (x, y) => rendezvousWeight(blockHex(b), x) - rendezvousWeight(blockHex(b), y),
        )[0];
        expect(closestNode(blockHex(b), subset)).toBe(expected);
        expect(closestNode(blockHex(b), [...subset].reverse())).toBe(expected);
      }),
    );
    expect(closestNode(blockHex(0), [])).toBeUndefined();
  });

  test('each of k holders is the repairer of about 1/k of the blocks', () => {
    const holders = ids.slice(0, 4);
    const counts = new Map(holders.map((h) => [h, 0]));
    const blocks = 8000;
    for (let b = 0; b < blocks; b++) {
      const winner = closestNode(blockHex(b), holders)!;
      counts.set(winner, (counts.get(winner) ?? 0) + 1);
    }
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(blocks / 4 - 200);
      expect(count).toBeLessThan(blocks / 4 + 200);
    }
  });

  test('removing a non-winning node never changes the winner (rendezvous stability)', () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.shuffledSubarray(ids, { minLength: 2 }), (b, subset) => {
        const winner = closestNode(blockHex(b), subset);
        const loser = subset.find((n) => n !== winner)!;
        expect(
          closestNode(
            blockHex(b),
            subset.filter((n) => n !== loser),
          ),
        ).toBe(winner);
      }),
    );
  });
});

describe('electRepairer', () => {
  const [a, b, c, d] = nodeIds(4, 'elect');
  const block = blockHex(7);
  const serving = (holder: string) => ({ holder: holder as never, state: HolderState.SERVING });

  test('the closest live, unsuspected holder', () => {
    const all = [a!, b!, c!, d!];
    expect(electRepairer(block, all.map(serving))).toBe(closestNode(block, all));
  });

  test('unavailable and suspected holders are never repairers', () => {
    const winner = closestNode(block, [a!, b!, c!]) as string;
    const holders = [a!, b!, c!].map((h) =>
      h === winner ? { holder: h, state: HolderState.UNAVAILABLE } : serving(h),
    );
    const next = closestNode(
      block,
      [a!, b!, c!].filter((h) => h !== winner),
    );
    expect(electRepairer(block, holders)).toBe(next);
    const suspected = [a!, b!, c!].map((h) =>
      h === winner ? { ...serving(h), suspected: true } : serving(h),
    );
    expect(electRepairer(block, suspected)).toBe(next);
  });

  test('a leaving holder drains its own blocks', () => {
    const all = [a!, b!, c!, d!];
    for (const leaving of all) {
      const holders = all.map((h) =>
        h === leaving ? { holder: h, state: HolderState.LEAVING } : serving(h),
      );
      expect(electRepairer(block, holders)).toBe(leaving);
    }
    const twoLeaving = all.map((h) =>
      h === a || h === b ? { holder: h, state: HolderState.LEAVING } : serving(h),
    );
    expect(electRepairer(block, twoLeaving)).toBe(closestNode(block, [a!, b!]));
  });

  test('no live holder, no repairer', () => {
    expect(electRepairer(block, [])).toBeUndefined();
    expect(electRepairer(block, [{ holder: a!, state: HolderState.UNAVAILABLE }])).toBeUndefined();
  });
});
