/**
 * Property tests over random fault schedules (crashes, restarts, leaves, loss windows, partitions,
 * broken links, metadata changes, any mix of Lifeguard switches): every transition in every view is
 * legal (incarnations never decrease; never alive at an incarnation the view already had suspect,
 * dead or left), every message sent is well-formed, and once faults stop all live views converge.
 */
import type { GuidV4 } from '@brightchain/core';
import {
  checkMemberTransition,
  checkViewProgression,
  type MembershipView,
  type MembershipViolation,
  sizeOfMembershipMessage,
  validateMembershipMessage,
} from '@brightchain/node-state';
import fc from 'fast-check';
import { MembershipHarness, metadataFor } from './membership-harness';

const FAULTS_END = 45_000;
const QUIET = 200_000;

type Fault =
  | { kind: 'crash'; node: number; at: number }
  | { kind: 'restart'; node: number; at: number }
  | { kind: 'leave'; node: number; at: number }
  | { kind: 'metadata'; node: number; at: number }
  | { kind: 'loss'; p: number; at: number; until: number }
  | { kind: 'partition'; mask: number; at: number; until: number }
  | { kind: 'link'; a: number; b: number; at: number; until: number };

const time = fc.integer({ min: 0, max: FAULTS_END - 1000 });
const node = fc.integer({ min: 0, max: 6 });
const window = fc
  .tuple(time, fc.integer({ min: 500, max: 30_000 }))
  .map(([at, length]) => ({ at, until: Math.min(FAULTS_END, at + length) }));
const fault: fc.Arbitrary<Fault> = fc.oneof(
  fc.record({ kind: fc.constant('crash' as const), node, at: time }),
  fc.record({ kind: fc.constant('restart' as const), node, at: time }),
  fc.record({ kind: fc.constant('leave' as const), node, at: time }),
  fc.record({ kind: fc.constant('metadata' as const), node, at: time }),
  fc
    .tuple(fc.double({ min: 0, max: 0.5, noNaN: true }), window)
    .map(([p, w]) => ({ kind: 'loss' as const, p, ...w })),
  fc
    .tuple(fc.integer({ min: 1, max: 126 }), window)
    .map(([mask, w]) => ({ kind: 'partition' as const, mask, ...w })),
  fc.tuple(node, node, window).map(([a, b, w]) => ({ kind: 'link' as const, a, b, ...w })),
);

interface Scenario {
  readonly seed: number;
  readonly n: number;
  readonly formed: boolean;
  readonly lifeguard: { localHealthAwareness: boolean; dynamicSuspicion: boolean; buddySystem: boolean };
  readonly faults: Fault[];
}

const scenario: fc.Arbitrary<Scenario> = fc.record({
  seed: fc.integer({ min: 0, max: 1_000_000 }),
  n: fc.integer({ min: 4, max: 7 }),
  formed: fc.boolean(),
  lifeguard: fc.record({
    localHealthAwareness: fc.boolean(),
    dynamicSuspicion: fc.boolean(),
    buddySystem: fc.boolean(),
  }),
  faults: fc.array(fault, { maxLength: 10 }),
});

function runScenario(s: Scenario) {
  const h = new MembershipHarness({
    n: s.n,
    seed: s.seed,
    formed: s.formed,
    jitterMs: 20,
    config: { pushPullIntervalMs: 5000, reconnectIntervalMs: 5000, lifeguard: s.lifeguard },
  });
  h.recordEvents = false;
  const violations: (MembershipViolation | string)[] = [];
  const everyone = () => h.ids.filter((id) => h.nodes.has(id));
  h.onEvent = (core, event) => {
    if (event.type === 'stateChanged' && event.from !== undefined) {
      const violation = checkMemberTransition(event.id, event.from, event.to);
      if (violation !== undefined) violations.push(violation);
    }
    // An application retries a failed join (as it would in production).
    if (event.type === 'joinFailed' && core.status === 'active') core.join(h.ids);
  };
  h.onSend = ({ message }) => {
    try {
      validateMembershipMessage(message);
    } catch (error) {
      violations.push(`sent an invalid ${message.type}: ${String(error)}`);
    }
    if (!(sizeOfMembershipMessage(message) > 0)) violations.push(`non-positive size for ${message.type}`);
  };
  const index = new Map(h.ids.map((id, i) => [id, i]));
  const active = (kind: Fault['kind']) =>
    s.faults.filter((f) => f.kind === kind && 'until' in f && f.at <= h.now && h.now < f.until);
  h.loss = () => Math.max(0, ...active('loss').map((f) => (f as { p: number }).p));
  h.blocked = (from, to) => {
    const i = index.get(from) as number;
    const j = index.get(to) as number;
    for (const f of active('partition')) {
      const mask = (f as { mask: number }).mask;
      if (((mask >> i) & 1) !== ((mask >> j) & 1)) return true;
    }
    for (const f of active('link')) {
      const { a, b } = f as { a: number; b: number };
      if ((a === i && b === j) || (a === j && b === i)) return true;
    }
    return false;
  };
  if (!s.formed)
    for (const core of h.running.slice(1)) {
      core.join(h.ids);
      h.drain(core);
    }

  const points = s.faults.filter((f) => f.kind !== 'loss' && f.kind !== 'partition' && f.kind !== 'link');
  points.sort((x, y) => x.at - y.at);
  let views = new Map<GuidV4, MembershipView>();
  /**
   * Nodes that called leave() in some life: unless running again at the end, they may end up left
   * (a later life may have crashed before out-bidding the departure), or dead if the news was lost.
   */
  const departed = new Set<GuidV4>();
  const snapshot = () => {
    const next = new Map<GuidV4, MembershipView>();
    for (const core of h.running) {
      const view = core.membershipView();
      const previous = views.get(core.id);
      if (previous !== undefined) violations.push(...checkViewProgression(previous, view));
      next.set(core.id, view);
    }
    views = next;
  };
  for (const f of points) {
    if (f.node >= s.n) continue;
    h.runUntil(f.at);
    snapshot();
    const id = h.ids[f.node] as GuidV4;
    const core = h.nodes.get(id);
    if (f.kind === 'crash' && core !== undefined) {
      h.crash(id);
      views.delete(id);
    } else if (f.kind === 'restart' && (core === undefined || core.status !== 'active')) {
      if (core !== undefined) h.crash(id);
      views.delete(id);
      h.restart(id, h.ids);
    } else if (f.kind === 'leave' && core?.status === 'active') {
      departed.add(id);
      core.leave();
      h.drain(core);
    } else if (f.kind === 'metadata' && core?.status === 'active') {
      core.updateMetadata({ ...metadataFor(f.node), region: `r${f.at}` });
      h.drain(core);
    }
  }
  h.runUntil(FAULTS_END);
  snapshot();
  // Faults stop: every link heals; nodes that left stop counting as running.
  h.loss = () => 0;
  h.blocked = () => false;
  for (const core of h.running) if (core.status !== 'active') h.crash(core.id);
  const expectedOf = (id: GuidV4) =>
    h.nodes.has(id) ? ['alive'] : departed.has(id) ? ['left', 'dead', undefined] : ['dead', undefined];
  const settled = () =>
    h.converged() &&
    h.running.every((core) =>
      h.ids.every((id) => id === core.id || expectedOf(id).includes(core.member(id)?.state)),
    );
  const at = h.runUntilTrue(settled, FAULTS_END + QUIET, 1000);
  snapshot();
  return { h, at, violations, everyone };
}

describe('membership under random fault schedules', () => {
  test('transitions stay legal, messages stay well-formed, and views converge once faults stop', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { h, at, violations } = runScenario(s);
        expect(violations).toEqual([]);
        if (at === undefined) {
          const detail = h.running.map((core) =>
            core
              .membershipView()
              .members.map((m) => `${h.index(m.id)}:${m.state}@${m.incarnation}`)
              .join(' '),
          );
          throw new Error(`no convergence by ${FAULTS_END + QUIET}:\n${detail.join('\n')}`);
        }
        // Running nodes know every running node, alive.
        for (const core of h.running)
          for (const other of h.running) expect(core.member(other.id)?.state).toBe('alive');
      }),
      { numRuns: 300 },
    );
  });

  test('extra ticks between deadlines change nothing (nextDeadline is exact)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 4, max: 8 }), (seed, n) => {
        const trace = (extraTicks: number | undefined) => {
          const h = new MembershipHarness({
            n,
            seed,
            jitterMs: 15,
            ...(extraTicks === undefined ? {} : { extraTicks }),
          });
          const lines: string[] = [];
          h.onSend = ({ at, from, to, message }) =>
            lines.push(`${at} ${h.index(from)}>${h.index(to)} ${JSON.stringify(message)}`);
          h.loss = (from, to) => (h.index(from) + h.index(to) === 3 ? 0.3 : 0);
          h.joinAllVia(0);
          h.runUntil(4000);
          h.crash(h.ids[n - 1] as GuidV4);
          h.runUntil(25_000);
          return lines;
        };
        expect(trace(0.5)).toEqual(trace(undefined));
      }),
      { numRuns: 15 },
    );
  });
});
