/**
 * A pool of worker threads for the two embarrassingly parallel jobs of a poll: verifying many
 * ballots and aggregating many ciphertexts. Each worker loads this package's built CommonJS entry
 * (`dist/index.cjs`) and runs the same single-thread functions on its slice ({@link verifyBallots}
 * with its own CSPRNG for the batch randomizers, {@link aggregateCiphertexts}); the pool merges the
 * results in order. Where no built entry is available (e.g. tests running from TypeScript
 * sources) or `workers` is 0, the pool runs everything on the calling thread, with the same results.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { BrightChainError } from '@brightchain/core';
import type { EncryptedBallot } from './ballot-proof';
import type { BallotShape } from './ballot-shape';
import { type BallotToVerify, type BallotVerificationOptions, verifyBallots } from './ballot-verifier';
import { PollErrorCode } from './error-codes';
import type { PaillierPublicKey } from './paillier-public-key';
import { aggregateCiphertexts } from './tally';

/** Options of a {@link BallotWorkerPool}. */
export interface BallotWorkerPoolOptions {
  /** Worker threads (default: one per core; 0 runs on the calling thread). */
  readonly workers?: number;
  /** Path of the built CommonJS entry the workers load (default: `index.cjs` beside this bundle). */
  readonly modulePath?: string;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const lib = require(workerData.modulePath);
parentPort.on('message', (job) => {
  try {
    const key = new lib.PaillierPublicKey(job.n);
    if (job.kind === 'verify') {
      const verdicts = lib.verifyBallots(key, job.shape, job.items, job.options);
      parentPort.postMessage({ id: job.id, result: verdicts });
    } else {
      parentPort.postMessage({ id: job.id, result: lib.aggregateCiphertexts(key, job.ciphertexts) });
    }
  } catch (error) {
    parentPort.postMessage({ id: job.id, error: String(error && error.message || error) });
  }
});
`;

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly worker: Worker;
}

function defaultModulePath(): string | undefined {
  const candidate = typeof __filename === 'string' ? join(dirname(__filename), 'index.cjs') : undefined;
  return candidate !== undefined && existsSync(candidate) ? candidate : undefined;
}

function split<T>(items: readonly T[], parts: number): T[][] {
  const size = Math.ceil(items.length / parts);
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/**
 * Parallel ballot verification and aggregation on worker threads, sized to the cores.
 *
 * @example
 * ```ts
 * const pool = new BallotWorkerPool();
 * const verdicts = await pool.verifyBallots(publicKey, shape, received);
 * const tally = await pool.aggregateCiphertexts(publicKey, accepted.map((b) => b.ciphertexts[0]!));
 * await pool.close();
 * ```
 */
export class BallotWorkerPool {
  /** Number of worker threads actually running (0: calling-thread fallback). */
  readonly size: number;
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closed = false;

  /** @throws BrightChainError `BC_POLL_INVALID_ARGUMENT` for a negative or non-integer worker count */
  constructor(options: BallotWorkerPoolOptions = {}) {
    const requested = options.workers ?? availableParallelism();
    if (!Number.isInteger(requested) || requested < 0) {
      throw new BrightChainError(PollErrorCode.INVALID_ARGUMENT, 'workers must be a non-negative integer');
    }
    const modulePath = options.modulePath ?? defaultModulePath();
    const count = modulePath === undefined ? 0 : requested;
    for (let i = 0; i < count; i++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { modulePath } });
      worker.on('message', (message: { id: number; result?: unknown; error?: string }) => {
        const entry = this.pending.get(message.id);
        if (!entry) return;
        this.pending.delete(message.id);
        this.release(entry.worker);
        if (message.error !== undefined) {
          entry.reject(new BrightChainError(PollErrorCode.WORKER_FAILED, message.error));
        } else entry.resolve(message.result);
      });
      worker.on('error', (error) => this.failAll(error));
      worker.unref();
      this.workers.push(worker);
    }
    this.size = this.workers.length;
  }

  /** Lets the process exit while a worker has nothing to do (workers are ref'd only while busy). */
  private release(worker: Worker): void {
    for (const entry of this.pending.values()) if (entry.worker === worker) return;
    worker.unref();
  }

  private failAll(error: unknown): void {
    for (const entry of this.pending.values()) {
      entry.reject(new BrightChainError(PollErrorCode.WORKER_FAILED, 'a worker failed', { cause: error }));
    }
    this.pending.clear();
  }

  private run(worker: Worker, job: Record<string, unknown>): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker });
      worker.ref();
      worker.postMessage({ ...job, id });
    });
  }

  private checkOpen(): void {
    if (this.closed) throw new BrightChainError(PollErrorCode.WORKER_FAILED, 'the pool is closed');
  }

  /**
   * {@link verifyBallots} split across the workers; one verdict per ballot, in order.
   *
   * @throws BrightChainError `BC_POLL_BALLOT_MALFORMED` for an invalid shape,
   * `BC_POLL_WORKER_FAILED` if a worker fails or the pool is closed
   */
  async verifyBallots(
    key: PaillierPublicKey,
    shape: BallotShape,
    items: readonly BallotToVerify[],
    options: Pick<BallotVerificationOptions, 'batchSecurityBits'> = {},
  ): Promise<boolean[]> {
    this.checkOpen();
    if (this.size === 0 || items.length < 2) return verifyBallots(key, shape, items, options);
    const chunks = split(items, this.size);
    const results = await Promise.all(
      chunks.map((chunk, i) =>
        this.run(this.workers[i % this.size] as Worker, {
          kind: 'verify',
          n: key.n,
          shape,
          items: chunk,
          options,
        }),
      ),
    );
    return (results as boolean[][]).flat();
  }

  /**
   * {@link aggregateCiphertexts} split across the workers, partial products multiplied at the end.
   *
   * @throws BrightChainError `BC_POLL_CIPHERTEXT_INVALID` for an out-of-range ciphertext,
   * `BC_POLL_WORKER_FAILED` if a worker fails or the pool is closed
   */
  async aggregateCiphertexts(key: PaillierPublicKey, ciphertexts: readonly bigint[]): Promise<bigint> {
    this.checkOpen();
    if (this.size === 0 || ciphertexts.length < 2) return aggregateCiphertexts(key, ciphertexts);
    const chunks = split(ciphertexts, this.size);
    const partials = await Promise.all(
      chunks.map((chunk, i) =>
        this.run(this.workers[i % this.size] as Worker, { kind: 'aggregate', n: key.n, ciphertexts: chunk }),
      ),
    );
    return aggregateCiphertexts(key, partials as bigint[]);
  }

  /**
   * Position-wise aggregate of ballots on the workers (see `aggregateBallots`).
   *
   * @throws BrightChainError `BC_POLL_BALLOT_MALFORMED` for a ballot of the wrong length
   */
  async aggregateBallots(
    key: PaillierPublicKey,
    ballots: readonly EncryptedBallot[],
    positions: number,
  ): Promise<bigint[]> {
    const columns: bigint[][] = Array.from({ length: positions }, () => []);
    for (const ballot of ballots) {
      if (ballot.ciphertexts.length !== positions) {
        throw new BrightChainError(
          PollErrorCode.BALLOT_MALFORMED,
          'ballot has the wrong number of positions',
        );
      }
      ballot.ciphertexts.forEach((c, j) => {
        (columns[j] as bigint[]).push(c);
      });
    }
    const totals: bigint[] = [];
    for (const column of columns) totals.push(await this.aggregateCiphertexts(key, column));
    return totals;
  }

  /** Stops the workers; pending jobs are rejected. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new Error('pool closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
