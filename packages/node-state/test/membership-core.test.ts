/**
 * SWIM behaviour end to end on the in-test harness: joins and convergence, crash detection,
 * refutation, indirect probing, dissemination and its retransmit limit, graceful leave, restarts.
 */
import type { GuidV4 } from '@brightchain/core';
import {
  findViewDisagreements,
  type MembershipMessage,
  type MemberUpdate,
  retransmitLimit,
  SwimMembership,
  suspicionTimeoutBounds,
} from '@brightchain/node-state';
import { MembershipHarness, metadataFor } from './membership-harness';

function updatesOf(message: MembershipMessage): readonly MemberUpdate[] {
  return 'updates' in message ? message.updates : [];
}

describe('join and convergence', () => {
  test.each([10, 25, 50])('%i nodes joining through one seed converge to one all-alive view', (n) => {
    const h = new MembershipHarness({ n, seed: `join-${n}` });
    h.joinAllVia(0);
    const at = h.runUntilTrue(() => h.healthy() && h.converged(), 60_000, 250);
    expect(at).toBeDefined();
    expect(findViewDisagreements(h.running.map((node) => node.membershipView()))).toEqual([]);
    for (const node of h.running) {
      expect(node.size).toBe(n);
      expect(node.membershipView().members.every((m) => m.state === 'alive' && m.incarnation === 0)).toBe(
        true,
      );
    }
    // Every joiner got an answer from the seed, and every node learned of every other exactly once.
    expect(h.eventsOf('joinCompleted')).toHaveLength(n - 1);
    expect(h.eventsOf('memberJoined')).toHaveLength(n * (n - 1));
    expect(h.eventsOf('memberSuspected')).toHaveLength(0);
    expect(h.eventsOf('partitionChanged')).toHaveLength(0);
  });

  test('members carry their metadata to every view', () => {
    const h = new MembershipHarness({ n: 6, seed: 'metadata' });
    h.joinAllVia(2);
    h.runUntilTrue(() => h.converged() && h.healthy(), 30_000);
    for (const node of h.running) {
      h.ids.forEach((id, i) => {
        expect(node.member(id)?.metadata).toEqual(metadataFor(i));
      });
    }
  });

  test('a join whose seeds never answer fails after joinMaxAttempts sends, and a later join succeeds', () => {
    const h = new MembershipHarness({
      n: 3,
      seed: 'join-fail',
      config: { joinMaxAttempts: 3, joinRetryIntervalMs: 500 },
    });
    const [a, b] = h.ids as [GuidV4, GuidV4];
    h.blocked = (from, to) => from === a || to === a;
    h.node(a).join([b]);
    h.drain(h.node(a));
    h.runUntil(5000);
    expect(h.eventsOf('joinFailed', a)).toEqual([
      { node: a, event: { type: 'joinFailed', seeds: [b], attempts: 3, at: 1500 } },
    ]);
    h.blocked = () => false;
    h.node(a).join([b]);
    h.drain(h.node(a));
    h.runUntil(6000);
    expect(h.eventsOf('joinCompleted', a)).toHaveLength(1);
    expect(h.node(a).member(b)?.state).toBe('alive');
  });
});

describe('failure detection', () => {
  const n = 20;
  const config = { pushPullIntervalMs: 30_000 };

  test('a crashed node is suspected, then declared dead by every node within the configured bounds', () => {
    const h = new MembershipHarness({ n, seed: 'crash', formed: true, config });
    h.runUntil(10_000);
    const victim = h.ids[7] as GuidV4;
    h.crash(victim);
    const crashAt = h.now;
    const { minMs, maxMs } = suspicionTimeoutBounds(4, n, 1000, 6);
    // With N−1 probers each picking the victim with probability ≈ 1/(N−1) per period, no probe
    // reaches it for k periods with probability ≈ e^−k; allow six periods (plus the period the
    // probe itself takes) for the first suspicion, then the longest suspicion timeout, then two
    // seconds of dissemination.
    const firstBound = 7000;
    const deadline = crashAt + firstBound + maxMs + 2000;
    const allDead = h.runUntilTrue(() => h.allSee(victim, 'dead'), deadline, 50);
    expect(allDead).toBeDefined();

    const suspected = h.eventsOf('memberSuspected').filter((e) => e.event.id === victim);
    expect(suspected).toHaveLength(n - 1);
    const first = Math.min(...suspected.map((e) => e.event.at));
    expect(first - crashAt).toBeLessThanOrEqual(firstBound);
    const dead = h.eventsOf('memberDead').filter((e) => e.event.id === victim);
    expect(dead).toHaveLength(n - 1);
    for (const { event } of dead) {
      expect(event.incarnation).toBe(0);
      expect(event.at - first).toBeGreaterThanOrEqual(minMs - 1);
      if (event.reason === 'suspicion-timeout') expect(event.suspectedAt).toBeDefined();
    }
    expect(dead.some((e) => e.event.reason === 'suspicion-timeout')).toBe(true);
    // Nobody else was suspected: no false positives on a clean network.
    expect(h.eventsOf('memberSuspected').filter((e) => e.event.id !== victim)).toHaveLength(0);
  });

  test('a suspected live node refutes with a higher incarnation and is never declared dead', () => {
    const h = new MembershipHarness({ n: 10, seed: 'refute', formed: true });
    h.runUntil(5000);
    const [accuser, relay, target] = h.ids as [GuidV4, GuidV4, GuidV4];
    // Plant a false suspicion at one node; it spreads by gossip and reaches the target.
    h.node(relay).step(accuser, {
      type: 'gossip',
      updates: [{ kind: 'suspect', id: target, incarnation: 0, from: accuser }],
    });
    h.drain(h.node(relay));
    h.runUntil(30_000);
    expect(h.eventsOf('selfRefuted', target)).toEqual([
      {
        node: target,
        event: expect.objectContaining({
          accusation: 'suspect',
          accuser,
          accusedIncarnation: 0,
          newIncarnation: 1,
        }),
      },
    ]);
    expect(h.allSee(target, 'alive')).toBe(true);
    for (const node of h.running) if (node.id !== target) expect(node.member(target)?.incarnation).toBe(1);
    expect(h.eventsOf('memberDead')).toHaveLength(0);
    expect(
      h
        .eventsOf('memberAlive')
        .filter((e) => e.event.id === target)
        .every((e) => e.event.refuted),
    ).toBe(true);
    expect(h.converged()).toBe(true);
  });

  test('a node briefly cut off is suspected, refutes once reachable again, and nobody declares it dead', () => {
    const h = new MembershipHarness({ n: 12, seed: 'blip', formed: true });
    h.runUntil(5000);
    const target = h.ids[3] as GuidV4;
    h.blocked = (_from, to) => to === target;
    h.runUntil(8000);
    h.blocked = () => false;
    h.runUntil(40_000);
    expect(h.eventsOf('memberSuspected').some((e) => e.event.id === target)).toBe(true);
    expect(h.eventsOf('selfRefuted', target).length).toBeGreaterThan(0);
    expect(h.eventsOf('memberDead')).toHaveLength(0);
    expect(h.healthy() && h.converged()).toBe(true);
  });

  test('indirect probes save a node whose direct link to the prober is down', () => {
    const run = (indirectChecks: number) => {
      const h = new MembershipHarness({ n: 8, seed: 'indirect', formed: true, config: { indirectChecks } });
      const [a, b] = h.ids as [GuidV4, GuidV4];
      h.blocked = (from, to) => (from === a && to === b) || (from === b && to === a);
      h.recordSent = true;
      h.runUntil(60_000);
      return { h, a, b };
    };
    const { h, a, b } = run(3);
    const pingReqs = h.sent.filter((s) => s.from === a && s.message.type === 'ping-req');
    expect(pingReqs.length).toBeGreaterThan(0);
    expect(pingReqs.every((s) => s.message.type === 'ping-req' && s.message.target === b)).toBe(true);
    expect(h.sent.some((s) => s.to === a && s.message.type === 'indirect-ack')).toBe(true);
    expect(h.eventsOf('memberSuspected')).toHaveLength(0);
    expect(h.eventsOf('memberDead')).toHaveLength(0);

    // Control: without indirect checks the prober suspects the node behind the broken link.
    const control = run(0);
    expect(
      control.h
        .eventsOf('memberSuspected', control.a)
        .some((e) => e.event.id === control.b && e.event.accuser === control.a),
    ).toBe(true);
  });
});

describe('dissemination', () => {
  test('an update reaches every node by gossip alone', () => {
    const n = 40;
    const h = new MembershipHarness({ n, seed: 'gossip', formed: true, config: { pushPullIntervalMs: 0 } });
    h.runUntil(3000);
    const source = h.node(h.ids[11] as GuidV4);
    source.updateMetadata({ ...source.metadata, capabilities: { read: true, write: false } });
    h.drain(source);
    const at = h.runUntilTrue(
      () => h.running.every((node) => node.member(source.id)?.metadata.capabilities.write === false),
      h.now + 10_000,
      50,
    );
    expect(at).toBeDefined();
    expect(h.eventsOf('memberUpdated').filter((e) => e.event.member.id === source.id)).toHaveLength(n);
    expect(h.running.every((node) => node.member(source.id)?.incarnation === 1)).toBe(true);
  });

  test.each([
    [5, 4],
    [10, 8],
    [100, 12],
  ])('with %i members an update is sent exactly retransmitLimit = %i times', (n, expected) => {
    expect(retransmitLimit(4, n)).toBe(expected);
    const h = new MembershipHarness({
      n,
      seed: `retransmit-${n}`,
      formed: true,
      config: { pushPullIntervalMs: 0 },
    });
    // Only one node runs: every other member is silent, so its own update is never superseded.
    for (const id of h.ids.slice(1)) h.crash(id);
    const node = h.node(h.ids[0] as GuidV4);
    h.recordSent = true;
    node.updateMetadata({ ...node.metadata, region: 'moved' });
    h.drain(node);
    h.runUntil(60_000);
    const carried = h.sent.filter((s) =>
      updatesOf(s.message).some((u) => u.kind === 'alive' && u.id === node.id && u.incarnation === 1),
    );
    expect(carried).toHaveLength(expected);
  });
});

describe('graceful leave', () => {
  test('a leaving node is marked left (not dead) everywhere, then stops', () => {
    const h = new MembershipHarness({ n: 12, seed: 'leave', formed: true });
    h.runUntil(5000);
    const leaver = h.node(h.ids[4] as GuidV4);
    leaver.leave();
    h.drain(leaver);
    expect(leaver.status).toBe('leaving');
    h.runUntil(20_000);
    expect(leaver.status).toBe('left');
    expect(leaver.nextDeadline()).toBeUndefined();
    expect(h.eventsOf('leaveCompleted', leaver.id)).toHaveLength(1);
    const others = h.running.filter((node) => node.id !== leaver.id);
    expect(others.every((node) => node.member(leaver.id)?.state === 'left')).toBe(true);
    expect(h.eventsOf('memberLeft').filter((e) => e.event.id === leaver.id)).toHaveLength(11);
    expect(h.eventsOf('memberDead')).toHaveLength(0);
    expect(h.eventsOf('memberSuspected')).toHaveLength(0);

    // Stopped: it sends nothing more and ignores what it receives.
    h.recordSent = true;
    h.runUntil(40_000);
    expect(h.sent.filter((s) => s.from === leaver.id)).toHaveLength(0);
    expect(() => leaver.join([h.ids[0] as GuidV4])).toThrow(
      expect.objectContaining({ code: 'BC_MEMBERSHIP_NOT_ACTIVE' }),
    );
    expect(() => leaver.updateMetadata(metadataFor(0))).toThrow(
      expect.objectContaining({ code: 'BC_MEMBERSHIP_NOT_ACTIVE' }),
    );
    leaver.leave(); // a no-op
    expect(leaver.hasReady()).toBe(false);
  });

  test('a new core with the same id rejoins after leaving and out-bids the old departure', () => {
    const h = new MembershipHarness({ n: 6, seed: 'rejoin', formed: true });
    h.runUntil(3000);
    const id = h.ids[2] as GuidV4;
    h.node(id).leave();
    h.drain(h.node(id));
    h.runUntil(10_000);
    expect(h.allSee(id, 'left')).toBe(true);
    h.crash(id);
    h.restart(id, [h.ids[0] as GuidV4]);
    h.runUntil(20_000);
    expect(h.allSee(id, 'alive')).toBe(true);
    expect(h.node(id).incarnation).toBe(1);
    expect(h.eventsOf('memberJoined').filter((e) => e.event.member.id === id)).toHaveLength(5);
    expect(h.converged()).toBe(true);
  });
});

describe('restarts', () => {
  test('a crashed node that restarts is declared dead, then comes back alive at a higher incarnation', () => {
    const h = new MembershipHarness({ n: 10, seed: 'restart', formed: true });
    h.runUntil(5000);
    const id = h.ids[6] as GuidV4;
    h.crash(id);
    h.runUntilTrue(() => h.allSee(id, 'dead'), 60_000);
    const restarted = h.restart(id, [h.ids[0] as GuidV4]);
    h.runUntil(h.now + 15_000);
    expect(restarted.incarnation).toBeGreaterThan(0);
    expect(h.allSee(id, 'alive')).toBe(true);
    expect(
      h.eventsOf('memberAlive').filter((e) => e.event.id === id && e.event.previous.state === 'dead'),
    ).toHaveLength(9);
    expect(h.converged()).toBe(true);
  });

  test('initialMembers must be valid and alive', () => {
    const h = new MembershipHarness({ n: 2, seed: 'initial' });
    const [a, b] = h.ids as [GuidV4, GuidV4];
    const base = {
      id: a,
      metadata: metadataFor(0),
      random: { int: () => 0, float: () => 0, bytes: () => new Uint8Array() },
      now: 0,
    };
    expect(
      () =>
        new SwimMembership({
          ...base,
          initialMembers: [{ id: b, incarnation: 0, state: 'dead', metadata: metadataFor(1) }],
        }),
    ).toThrow(expect.objectContaining({ code: 'BC_MEMBERSHIP_COMMAND_INVALID' }));
    expect(
      () =>
        new SwimMembership({
          ...base,
          initialMembers: [
            { id: 'nope' as GuidV4, incarnation: 0, state: 'alive', metadata: metadataFor(1) },
          ],
        }),
    ).toThrow(expect.objectContaining({ code: 'BC_MEMBERSHIP_COMMAND_INVALID' }));
    const node = new SwimMembership({
      ...base,
      initialMembers: [
        { id: b, incarnation: 4, state: 'alive', metadata: metadataFor(1) },
        { id: a, incarnation: 9, state: 'alive', metadata: metadataFor(0) },
      ],
    });
    expect(node.member(b)).toMatchObject({ state: 'alive', incarnation: 4 });
    expect(node.incarnation).toBe(0);
    expect(node.hasReady()).toBe(false);
  });
});
