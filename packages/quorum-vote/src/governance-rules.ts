/**
 * The threshold rule for each kind of vote, fixed in the genesis configuration (and therefore in
 * the first log entry) so that every node and every verifier resolves the same numbers.
 */
import { BrightChainError, type CanonicalValue } from '@brightchain/core';
import { malformed, readBool, readInt, readText, readTuple } from './canonical-fields';
import { QuorumErrorCode } from './error-codes';
import { type Requirement, type ThresholdRule, checkThresholdRule, requireFraction } from './threshold-rule';

/** The three kinds of quorum vote (the seed's `QuorumVote.type`). */
export type QuorumVoteType = 'DOCUMENT_RECONSTRUCTION' | 'MEMBER_ADDITION' | 'MEMBER_REMOVAL';

/** Every {@link QuorumVoteType}, in canonical order. */
export const QUORUM_VOTE_TYPES: readonly QuorumVoteType[] = [
  'DOCUMENT_RECONSTRUCTION',
  'MEMBER_ADDITION',
  'MEMBER_REMOVAL',
];

/** A threshold rule per vote type. */
export type GovernanceRules = Readonly<Record<QuorumVoteType, ThresholdRule>>;

/**
 * Default rules: two-thirds of the members (a supermajority) for every kind of vote.
 *
 * @example
 * ```ts
 * const rules = { ...DEFAULT_GOVERNANCE_RULES, MEMBER_ADDITION: { approvals: requireMoreThan(1, 2) } };
 * ```
 */
export const DEFAULT_GOVERNANCE_RULES: GovernanceRules = Object.freeze({
  DOCUMENT_RECONSTRUCTION: { approvals: requireFraction(2, 3) },
  MEMBER_ADDITION: { approvals: requireFraction(2, 3) },
  MEMBER_REMOVAL: { approvals: requireFraction(2, 3) },
});

/**
 * Checks every rule.
 * @throws BrightChainError `BC_QUORUM_THRESHOLD_INVALID`
 */
export function checkGovernanceRules(rules: GovernanceRules): void {
  if (typeof rules !== 'object' || rules === null) {
    throw new BrightChainError(QuorumErrorCode.THRESHOLD_INVALID, 'governance rules must be an object');
  }
  for (const type of QUORUM_VOTE_TYPES) checkThresholdRule(rules[type]);
}

/** True when `value` is a {@link QuorumVoteType}. */
export function isQuorumVoteType(value: unknown): value is QuorumVoteType {
  return typeof value === 'string' && (QUORUM_VOTE_TYPES as readonly string[]).includes(value);
}

function requirementToCanonical(requirement: Requirement): CanonicalValue {
  return requirement.kind === 'count'
    ? ['count', requirement.count]
    : ['fraction', requirement.numerator, requirement.denominator, requirement.strict === true];
}

function requirementFromCanonical(value: CanonicalValue | undefined, field: string): Requirement {
  if (!Array.isArray(value)) throw malformed(field, 'expected a tuple');
  const kind = readText(value[0], `${field}.kind`, 16);
  if (kind === 'count') {
    const [, count] = readTuple(value, 2, field);
    return { kind: 'count', count: readInt(count, `${field}.count`) };
  }
  if (kind === 'fraction') {
    const [, numerator, denominator, strict] = readTuple(value, 4, field);
    const n = readInt(numerator, `${field}.numerator`);
    const d = readInt(denominator, `${field}.denominator`);
    return readBool(strict, `${field}.strict`)
      ? { kind: 'fraction', numerator: n, denominator: d, strict: true }
      : { kind: 'fraction', numerator: n, denominator: d };
  }
  throw malformed(field, 'unknown requirement kind');
}

/** Canonical form: one `[approvals, quorum|null]` pair per type, in {@link QUORUM_VOTE_TYPES} order. */
export function governanceRulesToCanonical(rules: GovernanceRules): CanonicalValue {
  return QUORUM_VOTE_TYPES.map((type) => {
    const rule = rules[type];
    return [
      requirementToCanonical(rule.approvals),
      rule.quorum === undefined ? null : requirementToCanonical(rule.quorum),
    ];
  });
}

/**
 * Parses {@link governanceRulesToCanonical} output.
 * @throws BrightChainError `BC_QUORUM_MESSAGE_INVALID` or `BC_QUORUM_THRESHOLD_INVALID`
 */
export function governanceRulesFromCanonical(
  value: CanonicalValue | undefined,
  field = 'rules',
): GovernanceRules {
  const items = readTuple(value, QUORUM_VOTE_TYPES.length, field);
  const rules = {} as Record<QuorumVoteType, ThresholdRule>;
  QUORUM_VOTE_TYPES.forEach((type, i) => {
    const [approvals, quorum] = readTuple(items[i], 2, `${field}.${type}`);
    const rule: ThresholdRule =
      quorum === null
        ? { approvals: requirementFromCanonical(approvals, `${field}.${type}.approvals`) }
        : {
            approvals: requirementFromCanonical(approvals, `${field}.${type}.approvals`),
            quorum: requirementFromCanonical(quorum, `${field}.${type}.quorum`),
          };
    rules[type] = rule;
  });
  checkGovernanceRules(rules);
  return rules;
}
