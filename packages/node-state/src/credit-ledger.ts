/**
 * Credits: regular storage nodes "earn credits through storage contribution" (the seed). Each node
 * has a `CreditLedger` of auditable entries in integer **micro-credits** (µc; 1 credit =
 * 1 000 000 µc), so there is no floating-point drift and every balance is exact.
 *
 * The rules (amounts from {@link CreditRates}; defaults in parentheses):
 *
 * | entry | amount |
 * |---|---|
 * | `verified-storage` — bytes held over a period that passed verification (an audit/proof reference) | `+⌊bytes × periodMs × storagePerGiBHour / (2³⁰ × 3 600 000)⌋` (1 000 µc per GiB·h) |
 * | `replication-succeeded` — a replica this node delivered or accepted | `+replicationSuccess` (2 000 µc) |
 * | `replication-failed` | `−replicationFailure` (5 000 µc) |
 * | `emergency-shutdown` | `−emergencyShutdown` (100 000 µc) |
 * | `scheduled-shutdown` — drain complete | `0` (recorded, so the statement shows it cost nothing) |
 * | `scheduled-shutdown` — forced with `n` undrained blocks | `−n × undrainedBlock` (10 000 µc) |
 *
 * The balance is the plain sum of the entries. It goes negative only through penalties: a
 * negative balance is debt that later earnings repay (clamping at zero would make the balance
 * depend on the order entries arrive in, and would let a node shed penalties by going broke).
 * Entries are keyed by `(kind, reference)`: recording the same entry again is a no-op (so replays
 * and duplicate reports are harmless), recording a different entry under a used key is an error.
 * The sum does not depend on the order entries are recorded in, and `entries()` lists them in a
 * canonical order (time, kind, reference), so the same history always gives the same statement.
 */
import { BrightChainError, type GuidV4, isGuidV4 } from '@brightchain/core';
import { NodeStateErrorCode } from './error-codes';

/**
 * Micro-credits in one credit.
 *
 * @example
 * ```ts
 * const credits = ledger.balance / MICRO_CREDITS_PER_CREDIT;
 * ```
 */
export const MICRO_CREDITS_PER_CREDIT = 1_000_000;

/** What each kind of entry is worth, in µc (non-negative safe integers; debits are subtracted). */
export interface CreditRates {
  /** Earned per GiB (2³⁰ bytes) held for one hour, verified. Default 1 000. */
  readonly storagePerGiBHour: number;
  /** Earned per successful replication. Default 2 000. */
  readonly replicationSuccess: number;
  /** Charged per failed replication. Default 5 000. */
  readonly replicationFailure: number;
  /** Charged per emergency shutdown. Default 100 000. */
  readonly emergencyShutdown: number;
  /** Charged per block a forced shutdown left undrained. Default 10 000. */
  readonly undrainedBlock: number;
}

/**
 * The default {@link CreditRates}: 1 GiB held for 30 days earns 0.72 credits.
 *
 * @example
 * ```ts
 * DEFAULT_CREDIT_RATES.storagePerGiBHour; // 1000 µc
 * ```
 */
export const DEFAULT_CREDIT_RATES: CreditRates = Object.freeze({
  storagePerGiBHour: 1_000,
  replicationSuccess: 2_000,
  replicationFailure: 5_000,
  emergencyShutdown: 100_000,
  undrainedBlock: 10_000,
});

/** The kinds of ledger entry. */
export type CreditEntryKind =
  | 'verified-storage'
  | 'replication-succeeded'
  | 'replication-failed'
  | 'emergency-shutdown'
  | 'scheduled-shutdown';

/**
 * Every {@link CreditEntryKind}.
 *
 * @example
 * ```ts
 * for (const kind of CREDIT_ENTRY_KINDS) console.log(kind, ledger.entries().filter((e) => e.kind === kind).length);
 * ```
 */
export const CREDIT_ENTRY_KINDS: readonly CreditEntryKind[] = Object.freeze([
  'verified-storage',
  'replication-succeeded',
  'replication-failed',
  'emergency-shutdown',
  'scheduled-shutdown',
]);

/** The inputs of an entry's amount. */
export type CreditBasis =
  | { readonly kind: 'verified-storage'; readonly bytes: number; readonly periodMs: number }
  | { readonly kind: 'replication-succeeded' }
  | { readonly kind: 'replication-failed' }
  | { readonly kind: 'emergency-shutdown' }
  | { readonly kind: 'scheduled-shutdown'; readonly undrainedBlocks: number };

/** One auditable ledger line. */
export interface CreditEntry {
  readonly kind: CreditEntryKind;
  /** What it is about: audit/proof id, replication job id, shutdown id. Unique per kind. */
  readonly reference: string;
  /** When it happened (ms). */
  readonly at: number;
  /** Signed amount in µc. */
  readonly amount: number;
  /** The inputs the amount was computed from. */
  readonly basis: CreditBasis;
  /** The computation in words, e.g. `verified storage 1073741824 B × 3600000 ms at 1000 µc/GiB·h = +1000 µc`. */
  readonly reason: string;
}

const GIB = 1n << 30n;
const HOUR_MS = 3_600_000n;
const MAX_REFERENCE_LENGTH = 256;

function invalid(message: string, details: Readonly<Record<string, unknown>>): BrightChainError {
  return new BrightChainError(NodeStateErrorCode.NODE_CREDIT_INVALID, message, { details });
}

function checkCount(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalid(`${field} must be a non-negative safe integer`, { field, value });
  }
  return value;
}

/**
 * Checks a rate table (every rate a non-negative safe integer of µc) and returns a frozen copy.
 *
 * @throws BrightChainError `BC_NODE_CREDIT_INVALID` naming the bad rate
 * @example
 * ```ts
 * const rates = resolveCreditRates({ storagePerGiBHour: 2_000 });
 * ```
 */
export function resolveCreditRates(overrides: Partial<CreditRates> = {}): CreditRates {
  const rates = { ...DEFAULT_CREDIT_RATES, ...overrides };
  for (const field of Object.keys(DEFAULT_CREDIT_RATES) as (keyof CreditRates)[])
    checkCount(rates[field], field);
  return Object.freeze(rates);
}

/**
 * The signed amount (µc) of an entry with this basis under `rates` — the documented formula.
 *
 * @throws BrightChainError `BC_NODE_CREDIT_INVALID` for a malformed basis or an amount beyond the
 * safe-integer range
 * @example
 * ```ts
 * creditAmount({ kind: 'verified-storage', bytes: 2 ** 30, periodMs: 3_600_000 }); // 1000
 * creditAmount({ kind: 'scheduled-shutdown', undrainedBlocks: 0 }); // 0
 * ```
 */
export function creditAmount(basis: CreditBasis, rates: CreditRates = DEFAULT_CREDIT_RATES): number {
  switch (basis?.kind) {
    case 'verified-storage': {
      const bytes = BigInt(checkCount(basis.bytes, 'bytes'));
      const periodMs = BigInt(checkCount(basis.periodMs, 'periodMs'));
      const amount = (bytes * periodMs * BigInt(rates.storagePerGiBHour)) / (GIB * HOUR_MS);
      if (amount > BigInt(Number.MAX_SAFE_INTEGER))
        throw invalid('storage credit exceeds the safe-integer range', {});
      return Number(amount);
    }
    case 'replication-succeeded':
      return rates.replicationSuccess;
    case 'replication-failed':
      return 0 - rates.replicationFailure;
    case 'emergency-shutdown':
      return 0 - rates.emergencyShutdown;
    case 'scheduled-shutdown': {
      const blocks = checkCount(basis.undrainedBlocks, 'undrainedBlocks');
      const amount = 0 - blocks * rates.undrainedBlock;
      if (!Number.isSafeInteger(amount)) throw invalid('shutdown debit exceeds the safe-integer range', {});
      return amount;
    }
    default:
      throw invalid('unknown credit entry kind', {
        kind: String((basis as { kind?: unknown } | undefined)?.kind),
      });
  }
}

function describeEntry(basis: CreditBasis, amount: number, rates: CreditRates): string {
  const signed = `${amount >= 0 ? '+' : ''}${amount} µc`;
  switch (basis.kind) {
    case 'verified-storage':
      return `verified storage ${basis.bytes} B × ${basis.periodMs} ms at ${rates.storagePerGiBHour} µc/GiB·h = ${signed}`;
    case 'replication-succeeded':
      return `replication succeeded at ${rates.replicationSuccess} µc = ${signed}`;
    case 'replication-failed':
      return `replication failed at ${rates.replicationFailure} µc = ${signed}`;
    case 'emergency-shutdown':
      return `emergency shutdown at ${rates.emergencyShutdown} µc = ${signed}`;
    case 'scheduled-shutdown':
      return basis.undrainedBlocks === 0
        ? `scheduled shutdown with a completed drain = ${signed}`
        : `forced shutdown with ${basis.undrainedBlocks} undrained block(s) at ${rates.undrainedBlock} µc = ${signed}`;
  }
}

function compareEntries(a: CreditEntry, b: CreditEntry): number {
  if (a.at !== b.at) return a.at - b.at;
  if (a.kind !== b.kind) return a.kind < b.kind ? -1 : 1;
  return a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : 0;
}

/**
 * One node's credit ledger.
 *
 * @example
 * ```ts
 * const ledger = new CreditLedger(nodeId);
 * ledger.creditVerifiedStorage({ reference: 'audit-17', at: now, bytes: 2 ** 30, periodMs: 3_600_000 });
 * ledger.creditReplication({ reference: 'job-42', at: now });
 * ledger.balance; // 3000 µc
 * ```
 */
export class CreditLedger {
  readonly nodeId: GuidV4;
  readonly rates: CreditRates;
  private readonly byKey = new Map<string, CreditEntry>();
  private total = 0;

  /**
   * @throws BrightChainError `BC_NODE_CREDIT_INVALID` for a bad node id or rates
   */
  constructor(nodeId: GuidV4, rates: Partial<CreditRates> = {}) {
    if (!isGuidV4(nodeId)) throw invalid('nodeId must be a canonical GuidV4', { field: 'nodeId' });
    this.nodeId = nodeId;
    this.rates = resolveCreditRates(rates);
  }

  /** The balance in µc (sum of all entries). */
  get balance(): number {
    return this.total;
  }

  /** Number of entries. */
  get size(): number {
    return this.byKey.size;
  }

  /**
   * Credits storage that passed verification over `periodMs`.
   *
   * @param entry.reference - the verification (audit/proof) that covers it
   * @throws BrightChainError `BC_NODE_CREDIT_INVALID`; `BC_NODE_CREDIT_CONFLICT`
   */
  creditVerifiedStorage(entry: {
    reference: string;
    at: number;
    bytes: number;
    periodMs: number;
  }): CreditEntry {
    return this.record(entry.reference, entry.at, {
      kind: 'verified-storage',
      bytes: entry.bytes,
      periodMs: entry.periodMs,
    });
  }

  /**
   * Credits a successful replication.
   *
   * @throws BrightChainError `BC_NODE_CREDIT_INVALID`; `BC_NODE_CREDIT_CONFLICT`
   */
  creditReplication(entry: { reference: string; at: number }): CreditEntry {
    return this.record(entry.reference, entry.at, { kind: 'replication-succeeded' });
  }

  /**
   * Charges a failed replication.
   *
   * @throws BrightChainError `BC_NODE_CREDIT_INVALID`; `BC_NODE_CREDIT_CONFLICT`
   */
  debitFailedReplication(entry: { reference: string; at: number }): CreditEntry {
    return this.record(entry.reference, entry.at, { kind: 'replication-failed' });
  }

  /**
   * Charges an emergency shutdown.
   *
   * @throws BrightChainError `BC_NODE_CREDIT_INVALID`; `BC_NODE_CREDIT_CONFLICT`
   */
  debitEmergencyShutdown(entry: { reference: string; at: number }): CreditEntry {
    return this.record(entry.reference, entry.at, { kind: 'emergency-shutdown' });
  }

  /**
   * Records a scheduled shutdown: free when the drain completed (`undrainedBlocks: 0`), otherwise
   * charged per block the forced shutdown abandoned.
   *
   * @throws BrightChainError `BC_NODE_CREDIT_INVALID`; `BC_NODE_CREDIT_CONFLICT`
   */
  recordScheduledShutdown(entry: { reference: string; at: number; undrainedBlocks: number }): CreditEntry {
    return this.record(entry.reference, entry.at, {
      kind: 'scheduled-shutdown',
      undrainedBlocks: entry.undrainedBlocks,
    });
  }

  /**
   * Records an entry from its basis (the generic form of the methods above; used to replay a
   * stored statement). Recording an identical entry again returns the stored one and changes nothing.
   *
   * @throws BrightChainError `BC_NODE_CREDIT_INVALID` for a bad reference, time or basis, or a
   * balance that would leave the safe-integer range; `BC_NODE_CREDIT_CONFLICT` when the kind and
   * reference are taken by a different entry
   * @example
   * ```ts
   * for (const entry of saved) ledger.record(entry.reference, entry.at, entry.basis);
   * ```
   */
  record(reference: string, at: number, basis: CreditBasis): CreditEntry {
    if (typeof reference !== 'string' || reference.length === 0 || reference.length > MAX_REFERENCE_LENGTH) {
      throw invalid(`reference must be a string of 1–${MAX_REFERENCE_LENGTH} characters`, {
        field: 'reference',
      });
    }
    if (typeof at !== 'number' || !Number.isFinite(at) || at < 0) {
      throw invalid('at must be a finite time ≥ 0 (ms)', { field: 'at', value: at });
    }
    const amount = creditAmount(basis, this.rates);
    const entry: CreditEntry = Object.freeze({
      kind: basis.kind,
      reference,
      at,
      amount,
      basis: Object.freeze({ ...basis }),
      reason: describeEntry(basis, amount, this.rates),
    });
    const key = `${basis.kind}\u0000${reference}`;
    const existing = this.byKey.get(key);
    if (existing !== undefined) {
      if (existing.at === entry.at && existing.reason === entry.reason) return existing;
      throw new BrightChainError(
        NodeStateErrorCode.NODE_CREDIT_CONFLICT,
        `a different ${basis.kind} entry already uses reference ${JSON.stringify(reference)}`,
        { details: { kind: basis.kind, reference, existing: existing.reason, attempted: entry.reason } },
      );
    }
    const next = this.total + amount;
    if (!Number.isSafeInteger(next)) throw invalid('balance would leave the safe-integer range', { amount });
    this.byKey.set(key, entry);
    this.total = next;
    return entry;
  }

  /** True when an entry of `kind` with `reference` is recorded. */
  has(kind: CreditEntryKind, reference: string): boolean {
    return this.byKey.has(`${kind}\u0000${reference}`);
  }

  /** Every entry in canonical order: time, then kind, then reference. */
  entries(): CreditEntry[] {
    return [...this.byKey.values()].sort(compareEntries);
  }
}
