/**
 * Table and property tests of the membership building blocks: config resolution, metadata, the
 * broadcast queue (against a naive sort-based reference), suspicion timeouts, local health, the
 * partition detector, the probe order and the deadline heap (against a naive scan).
 */
import { BrightChainError, type GuidV4, newGuidV4, SeededRandom } from '@brightchain/core';
import {
  BroadcastQueue,
  DEFAULT_MEMBERSHIP_CONFIG,
  LocalHealth,
  type MemberUpdate,
  metadataEquals,
  metadataSize,
  PartitionDetector,
  ProbeOrder,
  resolveMembershipConfig,
  retransmitLimit,
  SuspicionTimer,
  sizeOfMemberUpdate,
  suspicionTimeoutAfter,
  suspicionTimeoutBounds,
  validateMemberMetadata,
} from '@brightchain/node-state';
import fc from 'fast-check';
import { DeadlineHeap } from '../src/deadline-heap';

const ids = (() => {
  const random = new SeededRandom('parts');
  return Array.from({ length: 64 }, () => newGuidV4(random));
})();
const id = (i: number): GuidV4 => ids[i] as GuidV4;

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (BrightChainError.isInstance(error)) return error.code;
    throw error;
  }
  return undefined;
}

describe('resolveMembershipConfig', () => {
  test('defaults are memberlist-like LAN values with every Lifeguard piece on', () => {
    const c = resolveMembershipConfig();
    expect(c).toEqual(DEFAULT_MEMBERSHIP_CONFIG);
    expect([
      c.probeIntervalMs,
      c.probeTimeoutMs,
      c.indirectChecks,
      c.gossipNodes,
      c.gossipIntervalMs,
    ]).toEqual([1000, 500, 3, 3, 200]);
    expect([c.suspicionMult, c.suspicionMaxTimeoutMult, c.retransmitMult, c.pushPullIntervalMs]).toEqual([
      4, 6, 4, 30_000,
    ]);
    expect(c.partition.quorumFraction).toBe(0.75);
    expect(c.lifeguard).toEqual({ localHealthAwareness: true, dynamicSuspicion: true, buddySystem: true });
  });

  test('partial nested overrides keep the other defaults', () => {
    const c = resolveMembershipConfig({ lifeguard: { buddySystem: false }, partition: { holdMs: 0 } });
    expect(c.lifeguard).toEqual({ localHealthAwareness: true, dynamicSuspicion: true, buddySystem: false });
    expect(c.partition).toEqual({ ...DEFAULT_MEMBERSHIP_CONFIG.partition, holdMs: 0 });
  });

  test.each([
    ['probeTimeout not below interval', { probeIntervalMs: 500, probeTimeoutMs: 500 }],
    ['negative interval', { probeIntervalMs: -1 }],
    ['NaN timeout', { probeTimeoutMs: Number.NaN }],
    ['fractional indirect checks', { indirectChecks: 1.5 }],
    ['zero retransmit mult', { retransmitMult: 0 }],
    ['unknown key', { probeIntervalMS: 1000 }],
    ['quorum above 1', { partition: { quorumFraction: 1.2 } }],
    ['recover below quorum', { partition: { quorumFraction: 0.8, recoverFraction: 0.7 } }],
    ['unknown partition key', { partition: { quorum: 0.5 } }],
    ['non-boolean Lifeguard flag', { lifeguard: { buddySystem: 'yes' } }],
    ['unknown Lifeguard key', { lifeguard: { lha: true } }],
    ['too many piggybacked updates', { maxPiggybackUpdates: 65 }],
    ['string where number expected', { gossipNodes: '3' }],
  ])('rejects %s', (_name, input) => {
    expect(code(() => resolveMembershipConfig(input as never))).toBe('BC_MEMBERSHIP_CONFIG_INVALID');
  });

  test('Infinity is allowed only where documented', () => {
    expect(
      resolveMembershipConfig({ partition: { deadCountsForMs: Number.POSITIVE_INFINITY } }).partition
        .deadCountsForMs,
    ).toBe(Number.POSITIVE_INFINITY);
    expect(code(() => resolveMembershipConfig({ gossipToTheDeadMs: Number.POSITIVE_INFINITY }))).toBe(
      'BC_MEMBERSHIP_CONFIG_INVALID',
    );
  });
});

describe('member metadata', () => {
  const good = {
    address: 'sim://a',
    type: 'storage',
    region: 'eu',
    capabilities: { write: true, read: true, mbps: 10 },
  };

  test('valid metadata is copied, frozen and has sorted capability keys', () => {
    const m = validateMemberMetadata(good);
    expect(Object.isFrozen(m) && Object.isFrozen(m.capabilities)).toBe(true);
    expect(Object.keys(m.capabilities)).toEqual(['mbps', 'read', 'write']);
    expect(metadataEquals(m, validateMemberMetadata({ ...good }))).toBe(true);
    expect(validateMemberMetadata(m)).toBe(m);
  });

  test('metadataSize follows msgpack sizes', () => {
    expect(metadataSize({ address: 'n1', type: 'storage', region: 'eu', capabilities: {} })).toBe(9);
    expect(metadataSize({ address: 'é', type: 'quorum', region: '', capabilities: { a: 300 } })).toBe(
      1 + 3 + 1 + 1 + 1 + 2 + 3,
    );
  });

  test.each([
    ['not an object', 'x'],
    ['array', []],
    ['empty address', { ...good, address: '' }],
    ['oversized address', { ...good, address: 'a'.repeat(257) }],
    ['bad type', { ...good, type: 'archive' }],
    ['non-ASCII region', { ...good, region: 'ëu' }],
    ['long region', { ...good, region: 'r'.repeat(65) }],
    ['capabilities array', { ...good, capabilities: [] }],
    ['bad capability key', { ...good, capabilities: { 'a b': 1 } }],
    ['NaN capability', { ...good, capabilities: { a: Number.NaN } }],
    ['unsafe integer capability', { ...good, capabilities: { a: 2 ** 53 } }],
    ['object capability', { ...good, capabilities: { a: {} } }],
    ['long capability string', { ...good, capabilities: { a: 'x'.repeat(257) } }],
    [
      'too many capabilities',
      { ...good, capabilities: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i])) },
    ],
    ['extra field', { ...good, extra: 1 }],
    ['missing field', { address: 'a', type: 'storage', region: 'eu' }],
  ])('rejects %s', (_name, value) => {
    expect(code(() => validateMemberMetadata(value))).toBe('BC_MEMBERSHIP_METADATA_INVALID');
  });

  test('metadataEquals notices every field', () => {
    const a = validateMemberMetadata(good);
    expect(metadataEquals(a, validateMemberMetadata({ ...good, address: 'sim://b' }))).toBe(false);
    expect(metadataEquals(a, validateMemberMetadata({ ...good, region: 'us' }))).toBe(false);
    expect(metadataEquals(a, validateMemberMetadata({ ...good, type: 'quorum' }))).toBe(false);
    expect(metadataEquals(a, validateMemberMetadata({ ...good, capabilities: { read: true } }))).toBe(false);
    expect(
      metadataEquals(
        a,
        validateMemberMetadata({ ...good, capabilities: { ...good.capabilities, read: false } }),
      ),
    ).toBe(false);
  });
});

describe('retransmitLimit', () => {
  test.each([
    [4, 1, 4],
    [4, 9, 4],
    [4, 10, 8],
    [4, 99, 8],
    [4, 100, 12],
    [4, 999, 12],
    [4, 1000, 16],
    [3, 50, 6],
    [4, 0, 4],
  ])('mult %i, N %i → %i', (mult, n, expected) => {
    expect(retransmitLimit(mult, n)).toBe(expected);
  });

  test('grows with log N: one update is handed out exactly retransmitLimit times', () => {
    for (const n of [5, 50, 500, 5000]) {
      const queue = new BroadcastQueue();
      queue.enqueue({ kind: 'left', id: id(0), incarnation: 1 }, 21);
      let sends = 0;
      while (queue.take({ maxCount: 8, maxBytes: 1200, memberCount: n, retransmitMult: 4 }).length > 0)
        sends++;
      expect(sends).toBe(retransmitLimit(4, n));
    }
  });
});

/** The naive reference: sort everything by (transmits, newest) and take greedily. */
class NaiveQueue {
  items: { update: MemberUpdate; size: number; transmits: number; order: number }[] = [];
  order = 0;
  enqueue(update: MemberUpdate, size: number): void {
    this.items = this.items.filter((i) => i.update.id !== update.id);
    this.items.push({ update, size, transmits: 0, order: this.order++ });
  }
  take(maxCount: number, maxBytes: number, n: number, mult: number, excludeId?: string): MemberUpdate[] {
    const limit = retransmitLimit(mult, n);
    this.items = this.items.filter((i) => i.transmits < limit);
    const sorted = [...this.items].sort((a, b) => a.transmits - b.transmits || b.order - a.order);
    const chosen: typeof sorted = [];
    let bytes = 0;
    for (const item of sorted) {
      if (chosen.length >= maxCount || maxBytes - bytes < 21) break;
      if (item.update.id === excludeId || bytes + item.size > maxBytes) continue;
      chosen.push(item);
      bytes += item.size;
    }
    for (const item of chosen) item.transmits++;
    this.items = this.items.filter((i) => i.transmits < limit);
    return chosen.map((i) => i.update);
  }
}

describe('BroadcastQueue', () => {
  const update = (
    i: number,
    incarnation: number,
    kind: 'alive' | 'suspect' | 'left' = 'left',
  ): MemberUpdate =>
    kind === 'alive'
      ? {
          kind,
          id: id(i),
          incarnation,
          metadata: validateMemberMetadata({
            address: `a${i}`,
            type: 'storage',
            region: '',
            capabilities: {},
          }),
        }
      : kind === 'suspect'
        ? { kind, id: id(i), incarnation, from: id(63) }
        : { kind, id: id(i), incarnation };

  test('fewer transmits first, newest first among equals', () => {
    const q = new BroadcastQueue();
    for (let i = 0; i < 4; i++) q.enqueue(update(i, 1), 21);
    expect(
      q.take({ maxCount: 2, maxBytes: 1200, memberCount: 10, retransmitMult: 4 }).map((u) => u.id),
    ).toEqual([id(3), id(2)]);
    expect(
      q.take({ maxCount: 3, maxBytes: 1200, memberCount: 10, retransmitMult: 4 }).map((u) => u.id),
    ).toEqual([id(1), id(0), id(3)]);
  });

  test('a newer update about the same member supersedes the queued one', () => {
    const q = new BroadcastQueue();
    q.enqueue(update(1, 1), 21);
    q.take({ maxCount: 1, maxBytes: 1200, memberCount: 10, retransmitMult: 4 });
    q.enqueue(update(1, 2, 'suspect'), 39);
    expect(q.size).toBe(1);
    expect(q.get(id(1))).toMatchObject({ transmits: 0, update: { kind: 'suspect', incarnation: 2 } });
  });

  test('respects the byte budget and skips to smaller updates', () => {
    const q = new BroadcastQueue();
    q.enqueue(update(1, 1), 21);
    const big = update(2, 1, 'alive');
    expect(sizeOfMemberUpdate(big)).toBe(28);
    q.enqueue(big, sizeOfMemberUpdate(big));
    const out = q.take({ maxCount: 8, maxBytes: 27, memberCount: 10, retransmitMult: 4 });
    expect(out.map((u) => u.id)).toEqual([id(1)]);
  });

  test('excludeId leaves that update queued and untouched', () => {
    const q = new BroadcastQueue();
    q.enqueue(update(1, 1), 21);
    q.enqueue(update(2, 1), 21);
    expect(
      q
        .take({ maxCount: 8, maxBytes: 1200, memberCount: 10, retransmitMult: 4, excludeId: id(2) })
        .map((u) => u.id),
    ).toEqual([id(1)]);
    expect(q.get(id(2))?.transmits).toBe(0);
  });

  test('matches the naive sort-based reference on random operation sequences', () => {
    const op = fc.oneof(
      fc.record({
        t: fc.constant('enqueue' as const),
        member: fc.integer({ min: 0, max: 15 }),
        size: fc.integer({ min: 21, max: 400 }),
      }),
      fc.record({
        t: fc.constant('take' as const),
        maxCount: fc.integer({ min: 0, max: 10 }),
        maxBytes: fc.integer({ min: 0, max: 1500 }),
        n: fc.integer({ min: 1, max: 2000 }),
        exclude: fc.option(fc.integer({ min: 0, max: 15 }), { nil: undefined }),
      }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        const fast = new BroadcastQueue();
        const naive = new NaiveQueue();
        let incarnation = 0;
        for (const o of ops) {
          if (o.t === 'enqueue') {
            const u = update(o.member, ++incarnation);
            fast.enqueue(u, o.size);
            naive.enqueue(u, o.size);
          } else {
            const excludeId = o.exclude === undefined ? undefined : id(o.exclude);
            const a = fast.take({
              maxCount: o.maxCount,
              maxBytes: o.maxBytes,
              memberCount: o.n,
              retransmitMult: 2,
              ...(excludeId === undefined ? {} : { excludeId }),
            });
            const b = naive.take(o.maxCount, o.maxBytes, o.n, 2, excludeId);
            expect(a).toEqual(b);
          }
          expect(fast.size).toBe(naive.items.length);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('suspicion timeouts', () => {
  test('bounds scale with log10 N and the max multiplier', () => {
    expect(suspicionTimeoutBounds(4, 1, 1000, 6)).toEqual({ minMs: 4000, maxMs: 24_000 });
    expect(suspicionTimeoutBounds(4, 10, 1000, 6)).toEqual({ minMs: 4000, maxMs: 24_000 });
    expect(suspicionTimeoutBounds(4, 100, 1000, 6)).toEqual({ minMs: 8000, maxMs: 48_000 });
    expect(suspicionTimeoutBounds(4, 1000, 500, 6).minMs).toBeCloseTo(6000, 6);
  });

  test.each([
    [0, 3, 24_000],
    [1, 3, 24_000 - 20_000 * 0.5],
    [3, 3, 4000],
    [7, 3, 4000],
    [0, 0, 4000],
  ])('after %i of k=%i confirmations the timeout is %f', (n, k, expected) => {
    expect(suspicionTimeoutAfter(n, k, 4000, 24_000)).toBeCloseTo(expected, 6);
  });

  test('the timeout shrinks monotonically with each independent confirmation', () => {
    const timer = new SuspicionTimer({
      accuser: 'a',
      startedAt: 100,
      expectedConfirmations: 4,
      minMs: 5000,
      maxMs: 30_000,
    });
    const deadlines = [timer.deadline];
    expect(timer.confirm('a')).toBe(false); // the accuser does not confirm itself
    for (const from of ['b', 'b', 'c', 'd', 'e', 'f']) {
      timer.confirm(from);
      deadlines.push(timer.deadline);
    }
    expect(timer.confirmations).toBe(4);
    expect(deadlines[0]).toBe(30_100);
    expect(deadlines.at(-1)).toBe(5100);
    for (let i = 1; i < deadlines.length; i++)
      expect(deadlines[i]).toBeLessThanOrEqual(deadlines[i - 1] as number);
    expect(timer.confirm('g')).toBe(false); // k reached: no more news
  });
});

describe('LocalHealth', () => {
  test('saturates in 0..max-1 and scales by score + 1', () => {
    const h = new LocalHealth(8);
    expect(h.apply(-1)).toBe(false);
    expect(h.apply(3)).toBe(true);
    expect(h.scale(1000)).toBe(4000);
    h.apply(100);
    expect(h.score).toBe(7);
    expect(h.apply(1)).toBe(false);
    h.apply(-2);
    expect(h.score).toBe(5);
  });

  test('disabled stays at 0', () => {
    const h = new LocalHealth(8, false);
    expect(h.apply(5)).toBe(false);
    expect(h.scale(700)).toBe(700);
  });
});

describe('PartitionDetector', () => {
  test('enters below quorum after the hold time and leaves only above the recover fraction', () => {
    const d = new PartitionDetector({ quorumFraction: 0.75, recoverFraction: 0.8, holdMs: 1000 });
    expect(d.observe(8, 10, 0)).toBeUndefined();
    expect(d.observe(7, 10, 100)).toBeUndefined();
    expect(d.nextDeadline).toBe(1100);
    expect(d.observe(7, 10, 1099)).toBeUndefined();
    expect(d.poll(1100)).toMatchObject({
      state: 'PARTITIONED',
      reachableFraction: 0.7,
      since: 100,
      at: 1100,
    });
    // 0.75 is not below quorum but not yet at the recover fraction: stays partitioned (hysteresis).
    expect(d.observe(75, 100, 2000)).toBeUndefined();
    expect(d.observe(79, 100, 5000)).toBeUndefined();
    expect(d.state).toBe('PARTITIONED');
    expect(d.observe(8, 10, 6000)).toBeUndefined();
    expect(d.observe(8, 10, 7000)).toMatchObject({ state: 'CONNECTED', since: 6000 });
  });

  test('a crossing that does not persist for the hold time does not flip (no flapping)', () => {
    const d = new PartitionDetector({ quorumFraction: 0.75, recoverFraction: 0.8, holdMs: 2000 });
    for (let t = 0; t < 20_000; t += 500) {
      const reachable = t % 1000 === 0 ? 5 : 10;
      expect(d.observe(reachable, 10, t)).toBeUndefined();
    }
    expect(d.state).toBe('CONNECTED');
  });

  test('nothing known counts as fully reachable', () => {
    const d = new PartitionDetector({ quorumFraction: 0.75, recoverFraction: 0.8, holdMs: 0 });
    expect(d.observe(0, 0, 0)).toBeUndefined();
    expect(d.reachableFraction).toBe(1);
  });
});

describe('ProbeOrder', () => {
  test('each pass visits every eligible id exactly once, in a reshuffled order', () => {
    const order = new ProbeOrder(new SeededRandom(5));
    const all = Array.from({ length: 20 }, (_, i) => `m${i}`);
    for (const m of all) order.add(m);
    const passes: string[][] = [];
    for (let p = 0; p < 4; p++) {
      const pass: string[] = [];
      for (let i = 0; i < 20; i++) pass.push(order.next(() => true) as string);
      passes.push(pass);
      expect([...pass].sort()).toEqual([...all].sort());
    }
    expect(new Set(passes.map((p) => p.join())).size).toBeGreaterThan(1);
  });

  test('skips ineligible ids and returns undefined when none is eligible', () => {
    const order = new ProbeOrder(new SeededRandom(6));
    for (const m of ['a', 'b', 'c']) order.add(m);
    for (let i = 0; i < 6; i++) expect(order.next((x) => x === 'b')).toBe('b');
    expect(order.next(() => false)).toBeUndefined();
    order.remove('b');
    expect(order.has('b')).toBe(false);
    expect(order.next((x) => x === 'b')).toBeUndefined();
  });

  test('a member added mid-pass is probed within two passes; removal never skips another member', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 2, max: 15 }), (seed, n) => {
        const order = new ProbeOrder(new SeededRandom(seed));
        for (let i = 0; i < n; i++) order.add(`m${i}`);
        for (let i = 0; i < Math.floor(n / 2); i++) order.next(() => true);
        order.add('new');
        order.remove('m0');
        const seen: string[] = [];
        for (let i = 0; i < 2 * n; i++) seen.push(order.next(() => true) as string);
        expect(seen).toContain('new');
        for (let i = 1; i < n; i++) expect(seen).toContain(`m${i}`);
        expect(seen).not.toContain('m0');
      }),
      { numRuns: 200 },
    );
  });
});

describe('DeadlineHeap', () => {
  test('matches a naive scan under random schedules, moves and cancels', () => {
    const op = fc.oneof(
      fc.record({
        t: fc.constant('schedule' as const),
        key: fc.integer({ min: 0, max: 9 }),
        at: fc.integer({ min: 0, max: 1000 }),
      }),
      fc.record({ t: fc.constant('cancel' as const), key: fc.integer({ min: 0, max: 9 }) }),
      fc.record({ t: fc.constant('pop' as const), now: fc.integer({ min: 0, max: 1000 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const heap = new DeadlineHeap();
        const naive = new Map<string, { at: number; order: number }>();
        let order = 0;
        for (const o of ops) {
          if (o.t === 'schedule') {
            heap.schedule(`k${o.key}`, o.at);
            naive.set(`k${o.key}`, { at: o.at, order: order++ });
          } else if (o.t === 'cancel') {
            heap.cancel(`k${o.key}`);
            naive.delete(`k${o.key}`);
          } else {
            const due = [...naive.entries()]
              .filter(([, v]) => v.at <= o.now)
              .sort((a, b) => a[1].at - b[1].at || a[1].order - b[1].order)
              .map(([k]) => k);
            for (const k of due) naive.delete(k);
            expect(heap.popDue(o.now)).toEqual(due);
          }
          const min = Math.min(...[...naive.values()].map((v) => v.at));
          expect(heap.peek()).toBe(naive.size === 0 ? undefined : min);
          expect(heap.size).toBe(naive.size);
        }
      }),
      { numRuns: 300 },
    );
  });
});
