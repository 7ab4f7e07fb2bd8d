/**
 * A deliberately naive model of the store port: a Map of hex keys, scans that filter and sort
 * everything, logs as arrays. The compliance suite checks adapters against it.
 */
import type { ScanOptions, WriteOperation } from '@brightchain/core';

/** Unsigned lexicographic byte order, the order every store scans in. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Lower-case hex of some bytes. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function startsWith(key: Uint8Array, prefix: Uint8Array): boolean {
  if (key.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (key[i] !== prefix[i]) return false;
  return true;
}

/** The entries a correct `scan(options)` returns from `entries` (any order in). */
export function naiveScan(
  entries: Iterable<readonly [Uint8Array, Uint8Array]>,
  options: ScanOptions = {},
): [Uint8Array, Uint8Array][] {
  const { prefix, start, end, limit, reverse } = options;
  const selected = [...entries]
    .filter(([key]) => prefix === undefined || startsWith(key, prefix))
    .filter(([key]) => start === undefined || compareBytes(key, start) >= 0)
    .filter(([key]) => end === undefined || compareBytes(key, end) < 0)
    .map(([key, value]): [Uint8Array, Uint8Array] => [key, value])
    .sort((a, b) => compareBytes(a[0], b[0]));
  if (reverse === true) selected.reverse();
  return limit === undefined ? selected : selected.slice(0, limit);
}

/** The naive store model: what every adapter must behave like between crashes. */
export class NaiveStoreModel {
  private readonly kv = new Map<string, readonly [Uint8Array, Uint8Array]>();
  private readonly logs = new Map<string, Uint8Array[]>();

  /** Applies a batch already known to be valid. */
  write(operations: readonly WriteOperation[]): void {
    for (const op of operations) {
      if (op.type === 'put') this.kv.set(hex(op.key), [op.key.slice(), op.value.slice()]);
      else this.kv.delete(hex(op.key));
    }
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.kv.get(hex(key))?.[1];
  }

  scan(options: ScanOptions = {}): [Uint8Array, Uint8Array][] {
    return naiveScan(this.kv.values(), options);
  }

  append(log: string, record: Uint8Array): number {
    const records = this.logs.get(log) ?? [];
    this.logs.set(log, records);
    records.push(record.slice());
    return records.length - 1;
  }

  readLog(log: string, fromSequence = 0): { sequence: number; record: Uint8Array }[] {
    const records = this.logs.get(log) ?? [];
    return records.slice(fromSequence).map((record, i) => ({ sequence: fromSequence + i, record }));
  }

  logLength(log: string): number {
    return this.logs.get(log)?.length ?? 0;
  }

  logNames(): string[] {
    return [...this.logs.keys()].sort();
  }

  /** Keeps only the first `length` records of `log` (after a crash lost the rest). */
  truncateLog(log: string, length: number): void {
    this.logs.get(log)?.splice(length);
  }

  /** A canonical string of the key-value state, for comparing states. */
  kvFingerprint(): string {
    return fingerprint(this.kv.values());
  }

  /** Replaces the key-value state with `entries`. */
  resetKv(entries: Iterable<readonly [Uint8Array, Uint8Array]>): void {
    this.kv.clear();
    for (const [key, value] of entries) this.kv.set(hex(key), [key.slice(), value.slice()]);
  }
}

/** A canonical string of a set of entries: sorted `key=value` hex pairs. */
export function fingerprint(entries: Iterable<readonly [Uint8Array, Uint8Array]>): string {
  return naiveScan(entries)
    .map(([key, value]) => `${hex(key)}=${hex(value)}`)
    .join(',');
}
