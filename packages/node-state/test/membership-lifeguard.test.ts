/**
 * Lifeguard (Dadgar et al., arXiv 1707.00788): local health awareness, dynamic suspicion timeouts
 * and the buddy system, each on and off.
 */
import { type GuidV4, newGuidV4, SeededRandom } from '@brightchain/core';
import {
  type MembershipConfigInput,
  type MembershipEvent,
  SwimMembership,
  suspicionTimeoutAfter,
  suspicionTimeoutBounds,
} from '@brightchain/node-state';
import { MembershipHarness, metadataFor } from './membership-harness';

describe('local health awareness', () => {
  function run(localHealthAwareness: boolean) {
    const h = new MembershipHarness({
      n: 10,
      seed: 'lha',
      formed: true,
      config: { lifeguard: { localHealthAwareness } },
    });
    const sick = h.ids[0] as GuidV4;
    h.runUntil(5000);
    h.recordSent = true;
    // The sick node hears nothing: its acks and nacks never arrive.
    h.blocked = (_from, to) => to === sick;
    h.runUntil(35_000);
    const pings = (from: number, to: number) =>
      h.sent.filter((s) => s.from === sick && s.message.type === 'ping' && s.at >= from && s.at < to).length;
    const during = {
      score: h.node(sick).localHealth,
      interval: h.node(sick).probeIntervalMs,
      late: pings(15_000, 35_000),
    };
    h.blocked = () => false;
    h.runUntil(150_000);
    return { h, sick, during };
  }

  test('missed acks and nacks raise the score, which stretches the probe interval; health recovers afterwards', () => {
    const { h, sick, during } = run(true);
    expect(during.score).toBe(7);
    expect(during.interval).toBe(8000);
    expect(during.late).toBeLessThanOrEqual(4);
    const changes = h.eventsOf('localHealthChanged', sick).map((e) => e.event);
    expect(changes.some((e) => e.cause === 'missed-nack' && e.score > e.previous)).toBe(true);
    expect(changes.some((e) => e.cause === 'probe-succeeded' && e.score < e.previous)).toBe(true);
    expect(h.node(sick).localHealth).toBe(0);
    expect(h.node(sick).probeIntervalMs).toBe(1000);
    // Healthy nodes that probed the sick one got every nack back from their helpers, so they never
    // blamed themselves (their only changes come from refuting the sick node's false accusations).
    const healthy = h.eventsOf('localHealthChanged').filter((e) => e.node !== sick);
    expect(
      healthy.filter((e) => e.event.cause === 'missed-nack' || e.event.cause === 'probe-failed'),
    ).toHaveLength(0);
    expect(Math.max(...healthy.map((e) => e.event.score))).toBeLessThanOrEqual(1);
  });

  test('switched off, the score stays 0 and the sick node keeps probing (and accusing) at full rate', () => {
    const off = run(false);
    expect(off.during.score).toBe(0);
    expect(off.during.interval).toBe(1000);
    expect(off.during.late).toBeGreaterThanOrEqual(18);
    expect(off.h.eventsOf('localHealthChanged')).toHaveLength(0);
    const on = run(true);
    const accusations = (r: typeof on) =>
      r.h.eventsOf('memberSuspected', r.sick).filter((e) => e.event.accuser === r.sick).length;
    expect(accusations(on)).toBeLessThan(accusations(off));
  });

  test('refuting a suspicion costs one point of health', () => {
    const h = new MembershipHarness({ n: 5, seed: 'lha-refute', formed: true });
    h.runUntil(2000);
    const [a, b, c] = h.ids as [GuidV4, GuidV4, GuidV4];
    h.node(b).step(a, { type: 'gossip', updates: [{ kind: 'suspect', id: c, incarnation: 0, from: a }] });
    h.drain(h.node(b));
    h.runUntil(3000);
    expect(h.eventsOf('localHealthChanged', c)[0]?.event).toMatchObject({
      cause: 'refuted',
      previous: 0,
      score: 1,
    });
  });
});

describe('dynamic suspicion timeouts', () => {
  const random = new SeededRandom('dynamic');
  const ids = Array.from({ length: 6 }, () => newGuidV4(random));
  const [self, target, c, d, e] = ids as [GuidV4, GuidV4, GuidV4, GuidV4, GuidV4];

  /**
   * One core whose probes are always acked by hand (so it never confirms the suspicion itself),
   * fed a suspicion of `target` from c and confirmations from `confirmers`; returns when and how
   * the target was declared dead.
   */
  function declareDead(confirmers: readonly GuidV4[], config: MembershipConfigInput = {}) {
    const node = new SwimMembership({
      id: self,
      metadata: metadataFor(0),
      random: new SeededRandom('core'),
      now: 0,
      config,
      initialMembers: ids.map((id, i) => ({
        id,
        incarnation: 0,
        state: 'alive' as const,
        metadata: metadataFor(i),
      })),
    });
    const events: MembershipEvent[] = [];
    const pump = () => {
      while (node.hasReady()) {
        const ready = node.ready();
        node.advance();
        events.push(...ready.events);
        for (const { to, message } of ready.messages) {
          if (message.type === 'ping') node.step(to, { type: 'ack', seq: message.seq, updates: [] });
        }
      }
    };
    node.tick(100);
    node.step(c, { type: 'gossip', updates: [{ kind: 'suspect', id: target, incarnation: 0, from: c }] });
    pump();
    for (const from of confirmers) {
      node.step(from, { type: 'gossip', updates: [{ kind: 'suspect', id: target, incarnation: 0, from }] });
      pump();
    }
    while (!events.some((ev) => ev.type === 'memberDead')) {
      node.tick(node.nextDeadline() as number);
      pump();
    }
    const suspected = events.find((ev) => ev.type === 'memberSuspected');
    const dead = events.find((ev) => ev.type === 'memberDead');
    return { suspected, dead };
  }

  const { minMs, maxMs } = suspicionTimeoutBounds(4, 6, 1000, 6);

  test('starts at the maximum and shrinks logarithmically to the minimum with k = 2 confirmations', () => {
    const none = declareDead([]);
    expect(none.suspected).toMatchObject({ deadline: 100 + maxMs, expectedConfirmations: 2, accuser: c });
    expect(none.dead).toMatchObject({
      at: 100 + maxMs,
      confirmations: 0,
      reason: 'suspicion-timeout',
      declaredBy: self,
    });

    const one = declareDead([d]);
    expect(one.dead?.at).toBeCloseTo(100 + suspicionTimeoutAfter(1, 2, minMs, maxMs), 6);
    expect(one.dead).toMatchObject({ confirmations: 1 });

    // The accuser repeating itself and a duplicate confirmation add nothing; a third confirmer is past k.
    const two = declareDead([c, d, d, e, ids[5] as GuidV4]);
    expect(two.dead?.at).toBeCloseTo(100 + minMs, 6);
    expect(two.dead).toMatchObject({ confirmations: 2 });
    expect(100 + minMs).toBeLessThan(one.dead?.at as number);
    expect(one.dead?.at as number).toBeLessThan(100 + maxMs);
  });

  test('switched off, every suspicion lasts exactly the minimum and confirmations do not matter', () => {
    const off = { lifeguard: { dynamicSuspicion: false } };
    expect(declareDead([], off).dead).toMatchObject({ at: 100 + minMs, confirmations: 0 });
    expect(declareDead([d, e], off).dead).toMatchObject({ at: 100 + minMs, confirmations: 0 });
  });

  test('a configured k overrides the derived one; too small a cluster expects none', () => {
    expect(declareDead([], { suspicionConfirmations: 1 }).suspected).toMatchObject({
      expectedConfirmations: 1,
    });
    expect(declareDead([], { suspicionConfirmations: 5 }).suspected).toMatchObject({
      expectedConfirmations: 0,
      deadline: 100 + minMs,
    });
  });
});

describe('buddy system', () => {
  // No gossip rounds, no piggybacked updates, no anti-entropy: the only way a suspect can learn of
  // its suspicion is the buddy system's direct ping.
  const quiet = { gossipNodes: 0, maxPiggybackUpdates: 0, pushPullIntervalMs: 0, reconnectIntervalMs: 0 };

  function run(buddySystem: boolean) {
    const h = new MembershipHarness({
      n: 3,
      seed: 'buddy',
      formed: true,
      config: { ...quiet, lifeguard: { buddySystem } },
    });
    const [a, b, c] = h.ids as [GuidV4, GuidV4, GuidV4];
    h.runUntil(1000);
    h.recordSent = true;
    h.node(a).step(c, { type: 'gossip', updates: [{ kind: 'suspect', id: b, incarnation: 0, from: c }] });
    h.drain(h.node(a));
    h.runUntil(60_000);
    return { h, a, b };
  }

  test('a ping to a suspect carries the suspicion; the suspect refutes at once and the prober clears it', () => {
    const { h, a, b } = run(true);
    const buddyPing = h.sent.find((s) => s.from === a && s.to === b && s.message.type === 'ping');
    expect(buddyPing?.message).toMatchObject({ updates: [{ kind: 'suspect', id: b, incarnation: 0 }] });
    expect(h.eventsOf('selfRefuted', b)).toHaveLength(1);
    const ack = h.sent.find((s) => s.from === b && s.to === a && s.message.type === 'ack');
    expect(ack?.message).toMatchObject({ updates: [{ kind: 'alive', id: b, incarnation: 1 }] });
    expect(h.node(a).member(b)).toMatchObject({ state: 'alive', incarnation: 1 });
    expect(h.eventsOf('memberDead')).toHaveLength(0);
    const refutedAt = h.eventsOf('memberAlive', a)[0]?.event.at as number;
    expect(refutedAt).toBeLessThan(1000 + 2 * 1000 + 100);
  });

  test('switched off, the suspect never hears of it and is wrongly declared dead', () => {
    const { h, a, b } = run(false);
    expect(h.eventsOf('selfRefuted', b)).toHaveLength(0);
    expect(h.eventsOf('memberDead', a).map((e) => e.event.id)).toEqual([b]);
    expect(h.node(a).member(b)?.state).toBe('dead');
  });
});
