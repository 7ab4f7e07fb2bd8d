import {
  type CreditBasis,
  CreditLedger,
  DEFAULT_CREDIT_RATES,
  MICRO_CREDITS_PER_CREDIT,
  creditAmount,
  resolveCreditRates,
} from '@brightchain/node-state';
import fc from 'fast-check';
import { expectCode, nodeIds } from './node-fixtures';

const [NODE] = nodeIds(1, 'credits') as [ReturnType<typeof nodeIds>[number]];
const GiB = 2 ** 30;
const HOUR = 3_600_000;

interface Input {
  reference: string;
  at: number;
  basis: CreditBasis;
}

/** Independent reference for the documented formula (BigInt floor division for storage). */
function referenceAmount(basis: CreditBasis): bigint {
  const r = DEFAULT_CREDIT_RATES;
  switch (basis.kind) {
    case 'verified-storage':
      return (
        (BigInt(basis.bytes) * BigInt(basis.periodMs) * BigInt(r.storagePerGiBHour)) / BigInt(GiB * HOUR)
      );
    case 'replication-succeeded':
      return BigInt(r.replicationSuccess);
    case 'replication-failed':
      return -BigInt(r.replicationFailure);
    case 'emergency-shutdown':
      return -BigInt(r.emergencyShutdown);
    case 'scheduled-shutdown':
      return -BigInt(basis.undrainedBlocks) * BigInt(r.undrainedBlock);
  }
}

const earningBasis: fc.Arbitrary<CreditBasis> = fc.oneof(
  fc.record({
    kind: fc.constant('verified-storage' as const),
    bytes: fc.integer({ min: 0, max: 2 ** 44 }),
    periodMs: fc.integer({ min: 0, max: 31 * 24 * HOUR }),
  }),
  fc.constant({ kind: 'replication-succeeded' as const }),
  fc.constant({ kind: 'scheduled-shutdown' as const, undrainedBlocks: 0 }),
);
const anyBasis: fc.Arbitrary<CreditBasis> = fc.oneof(
  earningBasis,
  fc.constant({ kind: 'replication-failed' as const }),
  fc.constant({ kind: 'emergency-shutdown' as const }),
  fc.record({
    kind: fc.constant('scheduled-shutdown' as const),
    undrainedBlocks: fc.integer({ min: 0, max: 1000 }),
  }),
);

/** Inputs with distinct references (so no two conflict). */
function history(basis: fc.Arbitrary<CreditBasis>): fc.Arbitrary<Input[]> {
  return fc
    .array(fc.record({ at: fc.integer({ min: 0, max: 10 ** 9 }), basis }), { maxLength: 80 })
    .map((items) => items.map((item, i) => ({ ...item, reference: `ref-${i}` })));
}

function ledgerOf(inputs: readonly Input[]): CreditLedger {
  const ledger = new CreditLedger(NODE);
  for (const input of inputs) ledger.record(input.reference, input.at, input.basis);
  return ledger;
}

describe('CreditLedger: properties', () => {
  it('the same history gives the same balance and statement in any order', () => {
    fc.assert(
      fc.property(
        history(anyBasis).chain((inputs) =>
          fc.tuple(fc.constant(inputs), fc.shuffledSubarray(inputs, { minLength: inputs.length })),
        ),
        ([inputs, shuffled]) => {
          const a = ledgerOf(inputs);
          const b = ledgerOf(shuffled);
          expect(b.balance).toBe(a.balance);
          expect(b.entries()).toEqual(a.entries());
          expect(BigInt(a.balance)).toBe(
            inputs.reduce((sum, input) => sum + referenceAmount(input.basis), 0n),
          );
          expect(Number.isSafeInteger(a.balance)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never goes negative without a penalty, and earnings never lower the balance', () => {
    fc.assert(
      fc.property(history(earningBasis), (inputs) => {
        const ledger = new CreditLedger(NODE);
        let previous = 0;
        for (const input of inputs) {
          ledger.record(input.reference, input.at, input.basis);
          expect(ledger.balance).toBeGreaterThanOrEqual(previous);
          previous = ledger.balance;
        }
        expect(ledger.balance).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });

  it('goes negative only by exactly the penalties (debt)', () => {
    fc.assert(
      fc.property(history(anyBasis), (inputs) => {
        const ledger = ledgerOf(inputs);
        const earnings = ledger
          .entries()
          .filter((e) => e.amount > 0)
          .reduce((s, e) => s + e.amount, 0);
        const penalties = ledger
          .entries()
          .filter((e) => e.amount < 0)
          .reduce((s, e) => s - e.amount, 0);
        expect(ledger.balance).toBe(earnings - penalties);
        for (const entry of ledger.entries()) {
          const penaltyKind =
            entry.kind === 'replication-failed' ||
            entry.kind === 'emergency-shutdown' ||
            (entry.kind === 'scheduled-shutdown' &&
              entry.basis.kind === 'scheduled-shutdown' &&
              entry.basis.undrainedBlocks > 0);
          expect(entry.amount < 0).toBe(penaltyKind);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('replaying entries is idempotent', () => {
    fc.assert(
      fc.property(history(anyBasis), (inputs) => {
        const once = ledgerOf(inputs);
        const twice = ledgerOf([...inputs, ...inputs]);
        expect(twice.balance).toBe(once.balance);
        expect(twice.size).toBe(inputs.length);
      }),
      { numRuns: 100 },
    );
  });
});

describe('CreditLedger: rules and audit trail', () => {
  it('applies the documented amounts', () => {
    const table: Array<[CreditBasis, number]> = [
      [{ kind: 'verified-storage', bytes: GiB, periodMs: HOUR }, 1_000],
      [{ kind: 'verified-storage', bytes: GiB, periodMs: 30 * 24 * HOUR }, 720_000],
      [{ kind: 'verified-storage', bytes: GiB - 1, periodMs: HOUR }, 999], // floor
      [{ kind: 'verified-storage', bytes: 1, periodMs: 1 }, 0],
      [{ kind: 'verified-storage', bytes: 0, periodMs: HOUR }, 0],
      [{ kind: 'replication-succeeded' }, 2_000],
      [{ kind: 'replication-failed' }, -5_000],
      [{ kind: 'emergency-shutdown' }, -100_000],
      [{ kind: 'scheduled-shutdown', undrainedBlocks: 0 }, 0],
      [{ kind: 'scheduled-shutdown', undrainedBlocks: 3 }, -30_000],
    ];
    for (const [basis, amount] of table) expect(creditAmount(basis)).toBe(amount);
    expect(MICRO_CREDITS_PER_CREDIT).toBe(1_000_000);
    expect(
      Object.is(
        creditAmount({ kind: 'emergency-shutdown' }, resolveCreditRates({ emergencyShutdown: 0 })),
        0,
      ),
    ).toBe(true);
  });

  it('every entry says why, when and about what; the statement is in canonical order', () => {
    const ledger = new CreditLedger(NODE);
    ledger.debitEmergencyShutdown({ reference: 'incident-7', at: 300 });
    ledger.creditVerifiedStorage({ reference: 'audit-1', at: 100, bytes: GiB, periodMs: HOUR });
    ledger.creditReplication({ reference: 'job-9', at: 100 });
    ledger.debitFailedReplication({ reference: 'job-10', at: 200 });
    ledger.recordScheduledShutdown({ reference: 'shutdown-1', at: 400, undrainedBlocks: 0 });
    expect(ledger.balance).toBe(1_000 + 2_000 - 5_000 - 100_000);
    expect(ledger.entries().map((e) => [e.at, e.kind, e.reference, e.amount])).toEqual([
      [100, 'replication-succeeded', 'job-9', 2_000],
      [100, 'verified-storage', 'audit-1', 1_000],
      [200, 'replication-failed', 'job-10', -5_000],
      [300, 'emergency-shutdown', 'incident-7', -100_000],
      [400, 'scheduled-shutdown', 'shutdown-1', 0],
    ]);
    expect(ledger.entries()[1]?.reason).toBe(
      'verified storage 1073741824 B × 3600000 ms at 1000 µc/GiB·h = +1000 µc',
    );
    expect(ledger.entries()[4]?.reason).toBe('scheduled shutdown with a completed drain = +0 µc');
    expect(ledger.has('replication-succeeded', 'job-9')).toBe(true);
    expect(ledger.has('replication-failed', 'job-9')).toBe(false); // the key is (kind, reference)
  });

  it('rejects bad entries and conflicts without changing anything', () => {
    const ledger = new CreditLedger(NODE);
    ledger.creditReplication({ reference: 'job-1', at: 5 });
    const before = { balance: ledger.balance, entries: ledger.entries() };
    const conflict = expectCode(
      () => ledger.creditReplication({ reference: 'job-1', at: 6 }),
      'BC_NODE_CREDIT_CONFLICT',
    );
    expect(conflict.details).toMatchObject({ kind: 'replication-succeeded', reference: 'job-1' });
    const bad: Array<() => unknown> = [
      () => ledger.creditReplication({ reference: '', at: 1 }),
      () => ledger.creditReplication({ reference: 'x'.repeat(257), at: 1 }),
      () => ledger.creditReplication({ reference: 'a', at: -1 }),
      () => ledger.creditReplication({ reference: 'a', at: Number.NaN }),
      () => ledger.creditVerifiedStorage({ reference: 'a', at: 1, bytes: -1, periodMs: 1 }),
      () => ledger.creditVerifiedStorage({ reference: 'a', at: 1, bytes: 1.5, periodMs: 1 }),
      () => ledger.creditVerifiedStorage({ reference: 'a', at: 1, bytes: 1, periodMs: Number.NaN }),
      () => ledger.recordScheduledShutdown({ reference: 'a', at: 1, undrainedBlocks: -2 }),
      () => ledger.record('a', 1, { kind: 'bonus' } as unknown as CreditBasis),
      () =>
        ledger.creditVerifiedStorage({ reference: 'a', at: 1, bytes: 2 ** 53 - 1, periodMs: 2 ** 53 - 1 }),
    ];
    for (const attempt of bad) expectCode(attempt, 'BC_NODE_CREDIT_INVALID');
    expect({ balance: ledger.balance, entries: ledger.entries() }).toEqual(before);
    expectCode(() => new CreditLedger('nope' as typeof NODE), 'BC_NODE_CREDIT_INVALID');
    expectCode(() => resolveCreditRates({ replicationSuccess: -1 }), 'BC_NODE_CREDIT_INVALID');
    expectCode(() => resolveCreditRates({ undrainedBlock: 0.5 }), 'BC_NODE_CREDIT_INVALID');
  });

  it('refuses an entry that would push the balance out of the safe-integer range', () => {
    const ledger = new CreditLedger(NODE, { replicationSuccess: Number.MAX_SAFE_INTEGER });
    ledger.creditReplication({ reference: 'a', at: 1 });
    expectCode(() => ledger.creditReplication({ reference: 'b', at: 2 }), 'BC_NODE_CREDIT_INVALID');
    expect(ledger.balance).toBe(Number.MAX_SAFE_INTEGER);
    expect(ledger.size).toBe(1);
  });
});
