import { type GuidV4, SeededRandom } from '@brightchain/core';
import { NodeState, type NodeCapabilities } from '@brightchain/node-state';
import {
  NodeSelector,
  ReplicationErrorCode,
  type SelectionCandidate,
  type SelectionRequest,
  canHostNewCopy,
  candidateFromRegisteredNode,
  validateSelectionCandidate,
} from '@brightchain/replication';
import fc from 'fast-check';
import { candidate, expectCode, nodeIds } from './fixtures';

const REGIONS = ['eu', 'us', 'ap', 'sa'];
const STATES = [
  NodeState.ONLINE,
  NodeState.ONLINE,
  NodeState.ONLINE,
  NodeState.SCHEDULED_SHUTDOWN,
  NodeState.OFFLINE,
  NodeState.EMERGENCY_SHUTDOWN,
];

/**
 * The naive reference: the hard constraints written out again from node-state's documented rules
 * (not through canAcceptWrites), applied to every candidate.
 */
function naiveEligible(
  candidates: readonly SelectionCandidate[],
  request: SelectionRequest,
): SelectionCandidate[] {
  const holders = new Set(request.holders ?? []);
  const size = request.sizeBytes ?? 0;
  return candidates.filter((c) => {
    const caps = c.capabilities;
    if (holders.has(c.nodeId)) return false;
    if (request.exclude instanceof Set && request.exclude.has(c.nodeId)) return false;
    if (c.state !== NodeState.ONLINE || !caps.storage || !caps.writes) return false;
    if (caps.bandwidth !== undefined && caps.bandwidth.downloadBytesPerSecond === 0) return false;
    if (caps.allowedRegions !== undefined) {
      if (request.blockRegion === undefined || !caps.allowedRegions.includes(request.blockRegion))
        return false;
    }
    if (c.criteria.availableSpace < size) return false;
    if (c.criteria.reliability < (request.minimumReliability ?? 0)) return false;
    if (request.maxTransferMs !== undefined && caps.bandwidth !== undefined && size > 0) {
      if (Math.ceil((size * 1000) / caps.bandwidth.downloadBytesPerSecond) > request.maxTransferMs)
        return false;
    }
    const offered = c.criteria.specializations ?? caps.specialisations;
    return (request.specializations ?? []).every((s) => offered.includes(s));
  });
}

const candidateArb = (id: GuidV4) =>
  fc
    .record({
      region: fc.constantFrom(...REGIONS),
      state: fc.constantFrom(...STATES),
      writes: fc.boolean(),
      download: fc.option(fc.constantFrom(0, 1000, 1_000_000), { nil: undefined }),
      restricted: fc.option(fc.subarray(['EU', 'US'], { minLength: 1 }), { nil: undefined }),
      space: fc.integer({ min: 0, max: 10_000 }),
      reliability: fc.double({ min: 0, max: 1, noNaN: true }),
      load: fc.integer({ min: 0, max: 20 }),
      ssd: fc.boolean(),
    })
    .map((r) => {
      const caps: Partial<NodeCapabilities> = {
        writes: r.writes,
        specialisations: r.ssd ? ['ssd'] : [],
        ...(r.download === undefined
          ? {}
          : { bandwidth: { uploadBytesPerSecond: 1000, downloadBytesPerSecond: r.download } }),
        ...(r.restricted === undefined ? {} : { allowedRegions: r.restricted }),
      };
      return candidate(id, {
        region: r.region,
        state: r.state,
        caps,
        criteria: { availableSpace: r.space, reliability: r.reliability, currentLoad: r.load },
      });
    });

const IDS = nodeIds(24, 'selector-property');

const scenarioArb = fc.tuple(...IDS.map((id) => candidateArb(id))).chain((candidates) =>
  fc.record({
    candidates: fc.constant(candidates),
    count: fc.integer({ min: 0, max: 8 }),
    holders: fc.subarray(IDS, { maxLength: 5 }),
    excluded: fc.subarray(IDS, { maxLength: 4 }),
    covered: fc.subarray(REGIONS, { maxLength: 3 }),
    spread: fc.boolean(),
    newRegionsOnly: fc.boolean(),
    blockRegion: fc.option(fc.constantFrom('EU', 'US'), { nil: undefined }),
    size: fc.integer({ min: 0, max: 5000 }),
    minimumReliability: fc.double({ min: 0, max: 0.5, noNaN: true }),
    ssd: fc.boolean(),
    maxTransferMs: fc.option(fc.constantFrom(100, 10_000), { nil: undefined }),
    strategy: fc.constantFrom('two-choices' as const, 'uniform' as const),
    seed: fc.integer(),
  }),
);

function buildRequest(s: {
  count: number;
  holders: GuidV4[];
  excluded: GuidV4[];
  covered: string[];
  spread: boolean;
  newRegionsOnly: boolean;
  blockRegion: string | undefined;
  size: number;
  minimumReliability: number;
  ssd: boolean;
  maxTransferMs: number | undefined;
}): SelectionRequest {
  return {
    count: s.count,
    holders: s.holders,
    exclude: new Set(s.excluded),
    coveredRegions: s.covered,
    geographicSpread: s.spread,
    newRegionsOnly: s.newRegionsOnly,
    sizeBytes: s.size,
    minimumReliability: s.minimumReliability,
    specializations: s.ssd ? ['ssd'] : [],
    ...(s.blockRegion === undefined ? {} : { blockRegion: s.blockRegion }),
    ...(s.maxTransferMs === undefined ? {} : { maxTransferMs: s.maxTransferMs }),
  };
}

describe('NodeSelector against the naive reference', () => {
  test('never a holder, never a non-writable node, as many as possible, spread honoured when possible, deterministic', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const request = buildRequest(s);
        const selector = new NodeSelector({
          random: new SeededRandom(s.seed),
          candidates: s.candidates,
          strategy: s.strategy,
        });
        const result = selector.select(request);
        const eligible = naiveEligible(s.candidates, request);
        const eligibleIds = new Set(eligible.map((c) => c.nodeId));
        const targets = result.targets;
        // Distinct, eligible, never a holder.
        expect(new Set(targets).size).toBe(targets.length);
        for (const t of targets) {
          expect(eligibleIds.has(t)).toBe(true);
          expect(s.holders).not.toContain(t);
        }
        const regionOf = new Map(
          s.candidates.map((c) => [c.nodeId, c.criteria.geographicLocation as string]),
        );
        const uncovered = new Set(
          eligible.map((c) => regionOf.get(c.nodeId) as string).filter((r) => !s.covered.includes(r)),
        );
        const newRegions = new Set(
          targets.map((t) => regionOf.get(t) as string).filter((r) => !s.covered.includes(r)),
        );
        if (s.newRegionsOnly) {
          // Only uncovered regions, one copy each, as many as there are.
          expect(newRegions.size).toBe(targets.length);
          expect(targets.length).toBe(Math.min(s.count, uncovered.size));
        } else {
          expect(targets.length).toBe(Math.min(s.count, eligible.length));
          if (s.spread) expect(newRegions.size).toBe(Math.min(s.count, uncovered.size));
        }
        expect(result.shortfall).toBe(s.count - targets.length);
        // Every chosen node passes the selector's own eligibility check too.
        for (const t of targets) expect(selector.isEligible(t, request)).toBe(true);
        expect(selector.countEligible(request)).toBe(eligible.length);
        // Deterministic.
        const again = new NodeSelector({
          random: new SeededRandom(s.seed),
          candidates: s.candidates,
          strategy: s.strategy,
        });
        expect(again.select(request).targets).toEqual(targets);
      }),
      { numRuns: 300 },
    );
  });

  test('canHostNewCopy agrees with the reference on single nodes', () => {
    fc.assert(
      fc.property(
        candidateArb(IDS[0]!),
        fc.option(fc.constantFrom('EU', 'US'), { nil: undefined }),
        fc.nat(5000),
        (c, region, size) => {
          const request: SelectionRequest = {
            count: 1,
            sizeBytes: size,
            ...(region === undefined ? {} : { blockRegion: region }),
          };
          expect(canHostNewCopy(c, region, size)).toBe(naiveEligible([c], request).length === 1);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('load balance', () => {
  function placeAll(strategy: 'two-choices' | 'uniform'): number[] {
    const ids = nodeIds(100, 'balance');
    const selector = new NodeSelector({
      random: new SeededRandom('balance'),
      candidates: ids.map((id, i) => candidate(id, { region: REGIONS[i % 4] as string })),
      strategy,
    });
    for (let b = 0; b < 3000; b++) {
      for (const t of selector.select({ count: 3, geographicSpread: true }).targets) selector.addLoad(t, 1);
    }
    return ids.map((id) => selector.loadOf(id));
  }

  test('two choices keeps the heaviest node much closer to the mean than one uniform choice', () => {
    const two = placeAll('two-choices');
    const one = placeAll('uniform');
    const mean = 90;
    expect(two.reduce((a, b) => a + b, 0)).toBe(9000);
    expect(one.reduce((a, b) => a + b, 0)).toBe(9000);
    expect(Math.max(...two) - mean).toBeLessThan((Math.max(...one) - mean) / 2);
  });

  test('lower cost wins: load, latency and reliability', () => {
    const [a, b] = nodeIds(2, 'cost');
    const selector = new NodeSelector({
      random: new SeededRandom(1),
      candidates: [
        candidate(a!, { criteria: { currentLoad: 4 } }),
        candidate(b!, { criteria: { currentLoad: 0 } }),
      ],
    });
    expect(selector.select({ count: 1 }).targets).toEqual([b]);
    expect(selector.costOf(a!)).toBeGreaterThan(selector.costOf(b!));
    selector.addLoad(b!, 10);
    expect(selector.loadOf(b!)).toBe(10);
    expect(selector.select({ count: 1 }).targets).toEqual([a]);
    selector.addLoad(b!, -100);
    expect(selector.loadOf(b!)).toBe(0);
    selector.upsert(candidate(b!, { criteria: { reliability: 0.01 } }));
    expect(selector.select({ count: 1 }).targets).toEqual([a]);
    selector.upsert(candidate(b!, { criteria: { networkLatency: 10_000 } }));
    expect(selector.select({ count: 1 }).targets).toEqual([a]);
    expect(selector.costOf(nodeIds(1, 'unknown')[0]!)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('NodeSelector bookkeeping and validation', () => {
  test('upsert, get, remove', () => {
    const ids = nodeIds(3, 'book');
    const selector = new NodeSelector({ random: new SeededRandom(1) });
    expect(selector.select({ count: 2 })).toEqual({ targets: [], shortfall: 2 });
    for (const id of ids) selector.upsert(candidate(id));
    expect(selector.size).toBe(3);
    selector.addLoad(ids[0]!, 2);
    selector.upsert(candidate(ids[0]!, { region: 'r9' }));
    expect(selector.loadOf(ids[0]!)).toBe(2);
    expect(selector.get(ids[0]!)?.criteria.geographicLocation).toBe('r9');
    expect(selector.remove(ids[0]!)).toBe(true);
    expect(selector.remove(ids[0]!)).toBe(false);
    expect(
      selector
        .candidates()
        .map((c) => c.nodeId)
        .sort(),
    ).toEqual([ids[1], ids[2]].sort());
    expect(selector.select({ count: 5 }).targets).toHaveLength(2);
    selector.addLoad(ids[0]!, 1); // unknown: ignored
    expect(selector.loadOf(ids[0]!)).toBe(0);
  });

  test.each<[string, unknown]>([
    ['count negative', { count: -1 }],
    ['count fractional', { count: 1.5 }],
    ['holders not ids', { count: 1, holders: ['x'] }],
    ['bad exclude', { count: 1, exclude: ['a'] }],
    ['negative size', { count: 1, sizeBytes: -1 }],
    ['reliability above 1', { count: 1, minimumReliability: 2 }],
    ['NaN transfer', { count: 1, maxTransferMs: Number.NaN }],
    ['bad specializations', { count: 1, specializations: [1] }],
    ['bad regions', { count: 1, coveredRegions: [1] }],
    ['bad block region', { count: 1, blockRegion: 5 }],
    ['not an object', null],
  ])('rejects a request with %s', (_, request) => {
    const selector = new NodeSelector({
      random: new SeededRandom(1),
      candidates: [candidate(nodeIds(1)[0]!)],
    });
    expectCode(() => selector.select(request as SelectionRequest), ReplicationErrorCode.SELECTION_INVALID);
  });

  test.each<[string, unknown]>([
    ['no random', {}],
    ['bad strategy', { random: new SeededRandom(1), strategy: 'best' }],
    ['bad latency scale', { random: new SeededRandom(1), latencyScaleMs: 0 }],
    ['bad attempts', { random: new SeededRandom(1), sampleAttempts: -1 }],
  ])('rejects options with %s', (_, options) => {
    expectCode(() => new NodeSelector(options as never), ReplicationErrorCode.OPTIONS_INVALID);
  });

  test.each<[string, (c: SelectionCandidate) => unknown]>([
    ['bad node id', (c) => ({ ...c, nodeId: 'x' })],
    ['bad state', (c) => ({ ...c, state: 'UP' })],
    ['bad capabilities', (c) => ({ ...c, capabilities: { ...c.capabilities, nodeType: 'x' } })],
    ['reliability > 1', (c) => ({ ...c, criteria: { ...c.criteria, reliability: 1.2 } })],
    ['negative space', (c) => ({ ...c, criteria: { ...c.criteria, availableSpace: -1 } })],
    [
      'infinite latency',
      (c) => ({ ...c, criteria: { ...c.criteria, networkLatency: Number.POSITIVE_INFINITY } }),
    ],
    ['NaN load', (c) => ({ ...c, criteria: { ...c.criteria, currentLoad: Number.NaN } })],
    ['bad location', (c) => ({ ...c, criteria: { ...c.criteria, geographicLocation: '' } })],
    ['bad specializations', (c) => ({ ...c, criteria: { ...c.criteria, specializations: [''] } })],
    ['unknown criteria field', (c) => ({ ...c, criteria: { ...c.criteria, speed: 1 } })],
    ['unknown field', (c) => ({ ...c, extra: 1 })],
  ])('rejects a candidate with %s', (_, mutate) => {
    const good = candidate(nodeIds(1)[0]!);
    const selector = new NodeSelector({ random: new SeededRandom(1), candidates: [good] });
    expectCode(() => validateSelectionCandidate(mutate(good)), ReplicationErrorCode.SELECTION_INVALID);
    expectCode(
      () => selector.upsert(mutate(good) as SelectionCandidate),
      ReplicationErrorCode.SELECTION_INVALID,
    );
    expect(selector.get(good.nodeId)).toEqual(validateSelectionCandidate(good));
    expect(selector.size).toBe(1);
  });

  test('addLoad rejects non-finite deltas', () => {
    const id = nodeIds(1)[0]!;
    const selector = new NodeSelector({ random: new SeededRandom(1), candidates: [candidate(id)] });
    expectCode(() => selector.addLoad(id, Number.NaN), ReplicationErrorCode.SELECTION_INVALID);
  });
});

describe('candidateFromRegisteredNode', () => {
  test('maps a registry entry', async () => {
    const { NodeRegistry, createNodeStatus, defaultNodeCapabilities, initialReliability } = await import(
      '@brightchain/node-state'
    );
    const id = nodeIds(1, 'registry')[0]!;
    const registry = new NodeRegistry({ now: 1000 });
    registry.announce(
      {
        nodeId: id,
        sequence: 1,
        status: createNodeStatus({
          state: NodeState.ONLINE,
          lastSeen: 1000,
          storageMetrics: { totalSpace: 1000, usedSpace: 300, reservedSpace: 100 },
          reliability: initialReliability(),
          capabilities: defaultNodeCapabilities('storage', { region: 'eu', specialisations: ['ssd'] }),
          credits: 0,
        }),
      },
      1000,
    );
    const c = candidateFromRegisteredNode(registry.get(id), { currentLoad: 2 });
    expect(c.nodeId).toBe(id);
    expect(c.state).toBe(NodeState.ONLINE);
    expect(c.criteria).toEqual({
      reliability: registry.get(id).status.score.score,
      availableSpace: 600,
      geographicLocation: 'eu',
      networkLatency: 0,
      currentLoad: 2,
      specializations: ['ssd'],
    });
  });
});
