import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'tsup';
import { SeededRandom } from '@brightchain/core';
import {
  aggregateBallots,
  aggregateCiphertexts,
  type BallotShape,
  BallotWorkerPool,
  encryptBallot,
  PollErrorCode,
  verifyBallots,
} from '@brightchain/paillier-poll';
import { CONTEXT, encryptorFor, OTHER_POLL_ID, pinnedKey } from './fixtures';

const B: readonly bigint[] = [0n, 1n];
const SHAPE: BallotShape = { positions: [B, B], sums: [{ weights: [1n, 1n], allowed: [1n] }] };

let dir: string;
let modulePath: string;
let ceremony: Awaited<ReturnType<typeof pinnedKey>>;

beforeAll(async () => {
  // Workers load built CommonJS; tests run from sources, so bundle the sources once (tsup, ~1 s)
  // into the repository's node_modules/.cache so that the external paillier-bigint resolves.
  const cache = join(__dirname, '..', '..', '..', 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  dir = mkdtempSync(join(cache, 'paillier-poll-pool-'));
  modulePath = join(dir, 'index.cjs');
  await build({
    entry: { index: join(__dirname, '..', 'src', 'index.ts') },
    format: ['cjs'],
    platform: 'node',
    target: 'node20',
    outDir: dir,
    outExtension: () => ({ js: '.cjs' }),
    external: ['paillier-bigint'],
    noExternal: ['@brightchain/core'],
    dts: false,
    sourcemap: false,
    clean: false,
    silent: true,
    config: false,
    esbuildOptions(options) {
      options.alias = { '@brightchain/core': join(__dirname, '..', '..', 'core', 'src', 'index.ts') };
    },
  });
  ceremony = await pinnedKey(1, 1);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('BallotWorkerPool', () => {
  it('gives the same verdicts and aggregates as the single-thread functions', async () => {
    const key = ceremony.publicKey.publicKey;
    const random = new SeededRandom('pool');
    const ballots = Array.from({ length: 9 }, (_, i) =>
      encryptBallot(encryptorFor(ceremony), SHAPE, CONTEXT, i % 2 ? [1n, 0n] : [0n, 1n], random),
    );
    const items = ballots.map((ballot, i) => ({
      context: i === 4 ? { ...CONTEXT, pollId: OTHER_POLL_ID } : CONTEXT,
      ballot,
    }));
    const pool = new BallotWorkerPool({ workers: 2, modulePath });
    const fallback = new BallotWorkerPool({ workers: 0 });
    try {
      expect(pool.size).toBe(2);
      expect(fallback.size).toBe(0);
      const expected = verifyBallots(key, SHAPE, items);
      expect(expected).toEqual(ballots.map((_, i) => i !== 4));
      expect(await pool.verifyBallots(key, SHAPE, items)).toEqual(expected);
      expect(await fallback.verifyBallots(key, SHAPE, items)).toEqual(expected);
      const cts = ballots.map((b) => b.ciphertexts[0]!);
      expect(await pool.aggregateCiphertexts(key, cts)).toBe(aggregateCiphertexts(key, cts));
      expect(await pool.aggregateBallots(key, ballots, 2)).toEqual(aggregateBallots(key, ballots, 2));
      expect(await fallback.aggregateBallots(key, ballots, 2)).toEqual(aggregateBallots(key, ballots, 2));
      await expect(pool.aggregateCiphertexts(key, [1n, 0n, 5n])).rejects.toThrow(
        expect.objectContaining({ code: PollErrorCode.WORKER_FAILED }) as unknown as Error,
      );
    } finally {
      await pool.close();
      await fallback.close();
    }
    await expect(pool.verifyBallots(key, SHAPE, items)).rejects.toThrow(
      expect.objectContaining({ code: PollErrorCode.WORKER_FAILED }) as unknown as Error,
    );
  });

  it('falls back to the calling thread when no built module is found, and validates its size', () => {
    expect(new BallotWorkerPool({ workers: 3, modulePath: undefined as unknown as string }).size).toBe(0);
    expect(() => new BallotWorkerPool({ workers: -1 })).toThrow(
      expect.objectContaining({ code: PollErrorCode.INVALID_ARGUMENT }) as unknown as Error,
    );
  });
});
