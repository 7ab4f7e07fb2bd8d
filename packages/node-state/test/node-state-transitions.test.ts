import { BrightChainError } from '@brightchain/core';
import {
  NODE_STATES,
  NODE_STATE_TRANSITIONS,
  NodeLifecycle,
  type NodeLifecycleEvent,
  NodeState,
  assertLegalTransition,
  defaultNodeCapabilities,
  initialReliability,
  isLegalTransition,
  isNodeState,
  isReachableState,
  legalTransitions,
} from '@brightchain/node-state';
import fc from 'fast-check';
import { blockId, expectCode, nodeIds, shutdownRequest } from './node-fixtures';

const {
  SCHEDULED_SHUTDOWN: SCHEDULED,
  EMERGENCY_SHUTDOWN: EMERGENCY,
  OFFLINE,
  PERMANENTLY_OFFLINE: GONE,
} = NodeState;

/** The intended table, written out independently of the implementation: rows = from, columns = to. */
const EXPECTED: Record<NodeState, Record<NodeState, boolean>> = {
  ONLINE: {
    ONLINE: false,
    SCHEDULED_SHUTDOWN: true,
    EMERGENCY_SHUTDOWN: true,
    OFFLINE: false,
    PERMANENTLY_OFFLINE: false,
  },
  SCHEDULED_SHUTDOWN: {
    ONLINE: true,
    SCHEDULED_SHUTDOWN: false,
    EMERGENCY_SHUTDOWN: true,
    OFFLINE: true,
    PERMANENTLY_OFFLINE: false,
  },
  EMERGENCY_SHUTDOWN: {
    ONLINE: true,
    SCHEDULED_SHUTDOWN: false,
    EMERGENCY_SHUTDOWN: false,
    OFFLINE: true,
    PERMANENTLY_OFFLINE: false,
  },
  OFFLINE: {
    ONLINE: true,
    SCHEDULED_SHUTDOWN: false,
    EMERGENCY_SHUTDOWN: false,
    OFFLINE: false,
    PERMANENTLY_OFFLINE: true,
  },
  PERMANENTLY_OFFLINE: {
    ONLINE: false,
    SCHEDULED_SHUTDOWN: false,
    EMERGENCY_SHUTDOWN: false,
    OFFLINE: false,
    PERMANENTLY_OFFLINE: false,
  },
};

const PAIRS = NODE_STATES.flatMap((from) => NODE_STATES.map((to) => [from, to] as const));
const [NODE] = nodeIds(1, 'transitions') as [ReturnType<typeof nodeIds>[number]];

describe('NodeState', () => {
  it('has exactly the seed states, as self-named strings that survive JSON', () => {
    expect(Object.keys(NodeState)).toEqual([
      'ONLINE',
      'SCHEDULED_SHUTDOWN',
      'EMERGENCY_SHUTDOWN',
      'OFFLINE',
      'PERMANENTLY_OFFLINE',
    ]);
    for (const state of NODE_STATES) {
      expect(NodeState[state]).toBe(state);
      expect(JSON.parse(JSON.stringify({ state })).state).toBe(state);
      expect(isNodeState(state)).toBe(true);
    }
    for (const bad of ['online', '', 0, null, undefined, 'UNKNOWN', {}]) expect(isNodeState(bad)).toBe(false);
  });
});

describe('transition table', () => {
  it.each(PAIRS)('%s → %s matches the intended table', (from, to) => {
    const legal = EXPECTED[from][to];
    expect(isLegalTransition(from, to)).toBe(legal);
    if (legal) {
      expect(() => assertLegalTransition(from, to)).not.toThrow();
    } else {
      const error = expectCode(
        () => assertLegalTransition(from, to, { nodeId: NODE }),
        'BC_NODE_TRANSITION_ILLEGAL',
      );
      expect(error.details).toMatchObject({
        from,
        to,
        nodeId: NODE,
        allowed: [...NODE_STATE_TRANSITIONS[from]],
      });
    }
  });

  it('has 9 legal pairs, no self-transitions and no way out of PERMANENTLY_OFFLINE', () => {
    expect(legalTransitions()).toHaveLength(9);
    for (const state of NODE_STATES) expect(isLegalTransition(state, state)).toBe(false);
    expect(NODE_STATE_TRANSITIONS.PERMANENTLY_OFFLINE).toEqual([]);
    expect(Object.isFrozen(NODE_STATE_TRANSITIONS)).toBe(true);
    expect(Object.isFrozen(NODE_STATE_TRANSITIONS.ONLINE)).toBe(true);
  });

  it.each(PAIRS)('reachability %s ⇝ %s', (from, to) => {
    // Every state reaches every state (itself included, through a cycle) except out of PERMANENTLY_OFFLINE.
    expect(isReachableState(from, to)).toBe(from !== GONE);
  });
});

/** Drives a fresh lifecycle into `state` through the public commands. */
function lifecycleIn(state: NodeState): NodeLifecycle {
  const lifecycle = new NodeLifecycle({ nodeId: NODE, now: 0 });
  if (state === SCHEDULED) lifecycle.announceShutdown(shutdownRequest(NODE, { blocks: 1 }), 1);
  if (state === EMERGENCY) lifecycle.emergencyShutdown(1, { reason: 'disk failing', graceMs: 60_000 });
  if (state === OFFLINE || state === GONE) {
    lifecycle.announceShutdown(shutdownRequest(NODE, { blocks: 0 }), 1);
    lifecycle.goOffline(2);
  }
  if (state === GONE) lifecycle.retire(3, 'decommissioned');
  expect(lifecycle.state).toBe(state);
  lifecycle.ready();
  return lifecycle;
}

/** The command whose purpose is to reach `to`. */
const COMMAND_TO: Record<NodeState, (lifecycle: NodeLifecycle, now: number) => void> = {
  ONLINE: (l, now) => l.comeOnline(now, 'back'),
  SCHEDULED_SHUTDOWN: (l, now) => l.announceShutdown(shutdownRequest(NODE, { blocks: 1 }), now),
  EMERGENCY_SHUTDOWN: (l, now) => l.emergencyShutdown(now, { reason: 'power', graceMs: 5_000 }),
  OFFLINE: (l, now) => l.goOffline(now, { force: { reason: 'operator' } }),
  PERMANENTLY_OFFLINE: (l, now) => l.retire(now, 'gone'),
};

describe('NodeLifecycle enforces the table for every pair', () => {
  it.each(PAIRS)('%s → %s', (from, to) => {
    const lifecycle = lifecycleIn(from);
    const before = lifecycle.snapshot();
    if (EXPECTED[from][to]) {
      COMMAND_TO[to](lifecycle, 100);
      const changes = lifecycle.ready().events.filter((e) => e.type === 'stateChanged');
      expect(changes[0]).toMatchObject({ from, to, at: 100 });
      expect(lifecycle.state).toBe(to);
    } else {
      expectCode(() => COMMAND_TO[to](lifecycle, 100), 'BC_NODE_TRANSITION_ILLEGAL');
      expect(lifecycle.snapshot()).toEqual(before);
      expect(lifecycle.hasReady()).toBe(false);
    }
  });
});

type Command =
  | { kind: 'announce'; blocks: number; permanent: boolean; offset: number }
  | { kind: 'advanceBlock'; index: number; status: 'PENDING' | 'IN_PROGRESS' | 'COMPLETED' }
  | { kind: 'cancel' }
  | { kind: 'goOffline'; force: boolean }
  | { kind: 'emergency'; graceMs: number; permanent: boolean }
  | { kind: 'comeOnline' }
  | { kind: 'retire' }
  | { kind: 'tick' };

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    kind: fc.constant('announce' as const),
    blocks: fc.integer({ min: 0, max: 3 }),
    permanent: fc.boolean(),
    offset: fc.integer({ min: -1000, max: 5000 }),
  }),
  fc.record({
    kind: fc.constant('advanceBlock' as const),
    index: fc.integer({ min: 0, max: 3 }),
    status: fc.constantFrom('PENDING' as const, 'IN_PROGRESS' as const, 'COMPLETED' as const),
  }),
  fc.constant({ kind: 'cancel' as const }),
  fc.record({ kind: fc.constant('goOffline' as const), force: fc.boolean() }),
  fc.record({
    kind: fc.constant('emergency' as const),
    graceMs: fc.constantFrom(0, 500, 5000),
    permanent: fc.boolean(),
  }),
  fc.constant({ kind: 'comeOnline' as const }),
  fc.constant({ kind: 'retire' as const }),
  fc.constant({ kind: 'tick' as const }),
);

const STATUS_PARTS = {
  storageMetrics: { totalSpace: 10, usedSpace: 0, reservedSpace: 0 },
  reliability: initialReliability(),
  capabilities: defaultNodeCapabilities('storage'),
  credits: 0,
};

function run(lifecycle: NodeLifecycle, command: Command, now: number): unknown {
  switch (command.kind) {
    case 'announce':
      return lifecycle.announceShutdown(
        shutdownRequest(NODE, {
          blocks: command.blocks,
          permanent: command.permanent,
          at: Math.max(0, now + command.offset),
        }),
        now,
      );
    case 'advanceBlock':
      return lifecycle.updateBlock(blockId(command.index), command.status, now);
    case 'cancel':
      return lifecycle.cancelShutdown(now, 'changed my mind');
    case 'goOffline':
      return lifecycle.goOffline(now, command.force ? { force: { reason: 'operator' } } : {});
    case 'emergency':
      return lifecycle.emergencyShutdown(now, {
        reason: 'fault',
        graceMs: command.graceMs,
        permanent: command.permanent,
      });
    case 'comeOnline':
      return lifecycle.comeOnline(now, 'restarted');
    case 'retire':
      return lifecycle.retire(now, 'decommissioned');
    case 'tick':
      return lifecycle.tick(now);
  }
}

describe('NodeLifecycle under random command sequences', () => {
  it('only ever makes legal transitions, rejects atomically, and persists a restorable snapshot', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(commandArb, fc.integer({ min: 0, max: 400_000 })), { maxLength: 60 }),
        (steps) => {
          const lifecycle = new NodeLifecycle({ nodeId: NODE, now: 0, downOutIntervalMs: 600_000 });
          let now = 0;
          let state: NodeState = lifecycle.state;
          const events: NodeLifecycleEvent[] = [];
          for (const [command, delta] of steps) {
            now += delta;
            const before = lifecycle.snapshot();
            try {
              run(lifecycle, command, now);
            } catch (error) {
              if (!BrightChainError.isInstance(error)) throw error;
              expect(lifecycle.snapshot()).toEqual(before);
              expect(lifecycle.hasReady()).toBe(false);
              continue;
            }
            const batch = lifecycle.ready();
            events.push(...batch.events);
            if (batch.persist.length > 0) {
              const record = batch.persist[batch.persist.length - 1];
              expect(record).toEqual(lifecycle.snapshot());
              expect(NodeLifecycle.restore(lifecycle.snapshot()).snapshot()).toEqual(lifecycle.snapshot());
            }
            for (const event of batch.events) {
              if (event.type !== 'stateChanged') continue;
              expect(event.from).toBe(state);
              expect(isLegalTransition(event.from, event.to)).toBe(true);
              expect(event.at).toBeLessThanOrEqual(now);
              state = event.to;
            }
            expect(lifecycle.state).toBe(state);
            // The node's own status is valid in every reachable situation (planned downtime ⇔ state).
            expect(lifecycle.nodeStatus(STATUS_PARTS).state).toBe(state);
          }
          // Once permanently offline, nothing ever changes again.
          const gone = events.findIndex((e) => e.type === 'stateChanged' && e.to === GONE);
          if (gone >= 0) expect(events.slice(gone + 1).some((e) => e.type === 'stateChanged')).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});
