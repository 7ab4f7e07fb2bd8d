/**
 * Invariant checks over membership views and state transitions, shared by the tests and the
 * simulator: incarnations never go backwards, a member is never alive at an incarnation at which
 * the same view already held it suspect, dead or left (alive must out-bid them), and once faults
 * stop every live node converges on the same view.
 */
import type { GuidV4 } from '@brightchain/core';
import type { MemberStatePoint } from './membership-events';
import { metadataEquals } from './membership-metadata';
import type { MembershipView } from './membership-view';

/** One broken invariant. */
export interface MembershipViolation {
  readonly kind: 'incarnation-decreased' | 'alive-not-newer' | 'resurrected-at-same-incarnation';
  readonly member: GuidV4;
  readonly from: MemberStatePoint;
  readonly to: MemberStatePoint;
}

const RANK = { alive: 0, suspect: 1, dead: 2, left: 3 } as const;

/**
 * Checks one transition of a member in one view; undefined when legal. Legal: the incarnation never
 * decreases; moving from suspect/dead/left to alive needs a strictly higher incarnation; at the
 * same incarnation, states only move forward (alive → suspect → dead → left), never back.
 *
 * @example
 * ```ts
 * checkMemberTransition(id, { state: 'dead', incarnation: 3 }, { state: 'alive', incarnation: 3 });
 * // { kind: 'alive-not-newer', … }
 * ```
 */
export function checkMemberTransition(
  member: GuidV4,
  from: MemberStatePoint,
  to: MemberStatePoint,
): MembershipViolation | undefined {
  if (to.incarnation < from.incarnation) return { kind: 'incarnation-decreased', member, from, to };
  if (to.incarnation > from.incarnation) return undefined;
  if (to.state === 'alive' && from.state !== 'alive') return { kind: 'alive-not-newer', member, from, to };
  if (RANK[to.state] < RANK[from.state]) return { kind: 'resurrected-at-same-incarnation', member, from, to };
  return undefined;
}

/**
 * Compares two snapshots of the same node's view (`before` taken earlier) and lists every member
 * whose change is not a legal transition. Members that disappeared (forgotten) are not checked.
 *
 * @example
 * ```ts
 * const before = node.membershipView();
 * node.step(from, message);
 * expect(checkViewProgression(before, node.membershipView())).toEqual([]);
 * ```
 */
export function checkViewProgression(before: MembershipView, after: MembershipView): MembershipViolation[] {
  const earlier = new Map(before.members.map((m) => [m.id, m]));
  const violations: MembershipViolation[] = [];
  for (const m of after.members) {
    const old = earlier.get(m.id);
    if (old === undefined) continue;
    const violation = checkMemberTransition(
      m.id,
      { state: old.state, incarnation: old.incarnation },
      { state: m.state, incarnation: m.incarnation },
    );
    if (violation !== undefined) violations.push(violation);
  }
  return violations;
}

/** Where two views differ about one member. */
export interface ViewDisagreement {
  readonly member: GuidV4;
  /** The view holder → what it believes (undefined: not in its view). */
  readonly beliefs: ReadonlyMap<GuidV4, MemberStatePoint | undefined>;
}

/**
 * Lists every member on which `views` disagree. Pass the views of the nodes that are running; an
 * empty result means they have converged. A member that any view holds as alive or suspect must be
 * in every view with the same state, incarnation and metadata. A member that every holding view
 * has as dead or left may be missing from other views (a node that joined later never learns of
 * departed members, and departed members are eventually forgotten), but the views that hold it must
 * agree on its state and incarnation.
 *
 * @example
 * ```ts
 * const disagreements = findViewDisagreements(nodes.map((n) => n.membershipView()));
 * ```
 */
export function findViewDisagreements(views: readonly MembershipView[]): ViewDisagreement[] {
  const ids = new Set<GuidV4>();
  for (const view of views) for (const m of view.members) ids.add(m.id);
  const lookups = views.map((view) => new Map(view.members.map((m) => [m.id, m])));
  const out: ViewDisagreement[] = [];
  for (const id of [...ids].sort()) {
    const entries = lookups.map((lookup) => lookup.get(id));
    const present = entries.filter((e) => e !== undefined);
    const first = present[0];
    if (first === undefined) continue;
    const departed = present.every((e) => e.state === 'dead' || e.state === 'left');
    const agree =
      (departed || present.length === entries.length) &&
      present.every(
        (e) =>
          e.state === first.state &&
          e.incarnation === first.incarnation &&
          (departed || metadataEquals(e.metadata, first.metadata)),
      );
    if (agree) continue;
    const beliefs = new Map<GuidV4, MemberStatePoint | undefined>();
    views.forEach((view, i) => {
      const e = entries[i];
      beliefs.set(view.self, e === undefined ? undefined : { state: e.state, incarnation: e.incarnation });
    });
    out.push({ member: id, beliefs });
  }
  return out;
}

/**
 * True when {@link findViewDisagreements} finds nothing: every live member is seen identically by
 * every view, and departed members are seen consistently wherever they are still remembered.
 *
 * @example
 * ```ts
 * expect(viewsConverged(live.map((n) => n.membershipView()))).toBe(true);
 * ```
 */
export function viewsConverged(views: readonly MembershipView[]): boolean {
  return findViewDisagreements(views).length === 0;
}
