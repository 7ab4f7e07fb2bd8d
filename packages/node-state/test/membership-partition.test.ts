/**
 * Partition detection (reachable fraction below a Ceph-style min-in ratio, with hysteresis) and
 * recovery after heal: views reconverge through push-pull and reconnect, and members wrongly
 * declared dead come back by refuting.
 */
import type { GuidV4 } from '@brightchain/core';
import { MembershipHarness } from './membership-harness';

const fast = { pushPullIntervalMs: 5000, reconnectIntervalMs: 5000 };

describe('partition detection', () => {
  test('a 6|6 split is reported by every node; after the heal views reconverge and the dead return', () => {
    const n = 12;
    const h = new MembershipHarness({ n, seed: 'split', formed: true, config: fast });
    h.runUntil(5000);
    const side = new Map(h.ids.map((id, i) => [id, i < 6 ? 0 : 1]));
    h.blocked = (from, to) => side.get(from) !== side.get(to);
    const splitAt = h.now;
    h.runUntil(splitAt + 60_000);

    const entered = h.eventsOf('partitionChanged');
    expect(entered).toHaveLength(n);
    for (const { event } of entered) {
      expect(event).toMatchObject({ partitioned: true, known: n });
      expect(event.reachableFraction).toBeLessThan(0.75);
      expect(event.at - event.since).toBeCloseTo(2000, 6);
    }
    expect(
      h.running.every((node) => node.partitioned && node.membershipView().partition.state === 'PARTITIONED'),
    ).toBe(true);
    // Each side declared the other dead.
    for (const node of h.running) {
      for (const id of h.ids) {
        if (side.get(id) !== side.get(node.id)) expect(node.member(id)?.state).toBe('dead');
      }
    }

    h.blocked = () => false;
    const healAt = h.now;
    const healed = h.runUntilTrue(() => h.healthy() && h.converged(), healAt + 120_000, 250);
    expect(healed).toBeDefined();
    h.runUntil(h.now + 5000);
    const left = h.eventsOf('partitionChanged').filter((e) => !e.event.partitioned);
    expect(left).toHaveLength(n);
    expect(left.every((e) => e.event.reachableFraction >= 0.8)).toBe(true);
    expect(h.running.every((node) => !node.partitioned)).toBe(true);
    // Every node was wrongly declared dead by the other side and came back by refuting.
    const returned = h.eventsOf('memberAlive').filter((e) => e.event.previous.state === 'dead');
    expect(returned).toHaveLength(n * 6);
    for (const node of h.running) expect(node.incarnation).toBeGreaterThan(0);
    expect(h.eventsOf('selfRefuted').length).toBeGreaterThanOrEqual(n);
  });

  test('an isolated minority reports the partition while the majority (≥ 75 % reachable) does not', () => {
    const h = new MembershipHarness({ n: 12, seed: 'minority', formed: true, config: fast });
    h.runUntil(5000);
    const isolated = new Set(h.ids.slice(0, 2));
    h.blocked = (from, to) => isolated.has(from) !== isolated.has(to);
    // The isolated pair also blames itself (missed nacks), so Lifeguard slows its probing: give it
    // time to get round every member.
    h.runUntil(150_000);
    const reports = h.eventsOf('partitionChanged');
    expect(new Set(reports.map((e) => e.node))).toEqual(isolated);
    expect(reports.every((e) => e.event.partitioned && e.event.reachableFraction < 0.75)).toBe(true);
    for (const id of isolated)
      expect(h.node(id).membershipView().partition).toMatchObject({ reachable: 2, known: 12 });
    const majority = h.running.find((node) => !isolated.has(node.id));
    expect(majority?.membershipView().partition).toMatchObject({
      state: 'CONNECTED',
      reachable: 10,
      known: 12,
    });
  });

  test('random loss without a partition never flips the detector (no flapping)', () => {
    const h = new MembershipHarness({ n: 20, seed: 'lossy', formed: true, config: fast });
    h.loss = () => 0.1;
    h.runUntil(120_000);
    expect(h.eventsOf('partitionChanged')).toHaveLength(0);
  });

  test('mass crashes read as a partition until the dead stop counting (deadCountsForMs)', () => {
    const h = new MembershipHarness({
      n: 12,
      seed: 'mass-crash',
      formed: true,
      config: { ...fast, partition: { deadCountsForMs: 60_000 } },
    });
    h.runUntil(5000);
    for (const id of h.ids.slice(8)) h.crash(id);
    h.runUntil(60_000);
    const survivor = h.node(h.ids[0] as GuidV4);
    expect(survivor.partitioned).toBe(true);
    expect(survivor.membershipView().partition).toMatchObject({ reachable: 8, known: 12 });
    h.runUntil(150_000);
    expect(survivor.partitioned).toBe(false);
    expect(survivor.membershipView().partition).toMatchObject({
      reachable: 8,
      known: 8,
      reachableFraction: 1,
    });
    const changes = h.eventsOf('partitionChanged', survivor.id).map((e) => e.event.partitioned);
    expect(changes).toEqual([true, false]);
  });

  test('with deadCountsForMs = Infinity (Ceph-strict) the survivors stay partitioned', () => {
    const h = new MembershipHarness({
      n: 8,
      seed: 'strict',
      formed: true,
      config: { ...fast, partition: { deadCountsForMs: Number.POSITIVE_INFINITY } },
    });
    h.runUntil(5000);
    for (const id of h.ids.slice(5)) h.crash(id);
    h.runUntil(300_000);
    expect(h.running.every((node) => node.partitioned)).toBe(true);
  });

  test('graceful leavers do not count towards a partition', () => {
    const h = new MembershipHarness({ n: 8, seed: 'leavers', formed: true, config: fast });
    h.runUntil(3000);
    for (const id of h.ids.slice(5)) {
      h.node(id).leave();
      h.drain(h.node(id));
    }
    h.runUntil(30_000);
    const node = h.node(h.ids[0] as GuidV4);
    expect(node.membershipView().partition).toMatchObject({ state: 'CONNECTED', reachable: 5, known: 5 });
    expect(h.eventsOf('partitionChanged')).toHaveLength(0);
  });
});
