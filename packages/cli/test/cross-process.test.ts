import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const BIN = join(__dirname, '..', 'dist', 'bin.js');

function runBin(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the built brightchain binary', () => {
  beforeAll(() => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build first (npm test builds before jest)`);
  });

  it('gives the same trace hash in two separate processes, and a different one for another seed', () => {
    const args = ['sim', '--nodes', '40', '--duration', '30', '--scenario', 'showcase', '--json'];
    const a = runBin([...args, '--seed', '77']);
    const b = runBin([...args, '--seed', '77']);
    const c = runBin([...args, '--seed', '78']);
    for (const r of [a, b, c]) expect(r.status).toBe(0);
    const [ra, rb, rc] = [a, b, c].map((r) => JSON.parse(r.stdout));
    expect(rb.traceHash).toBe(ra.traceHash);
    expect(rb.events).toBe(ra.events);
    expect(rb.messages).toEqual(ra.messages);
    expect(rc.traceHash).not.toBe(ra.traceHash);
  });

  it('matches the trace hash of the library run in this process', async () => {
    const { runScenario } = await import('@brightchain/sim');
    const here = runScenario('crash', { seed: 'cross', nodes: 30, durationSeconds: 20 });
    const there = JSON.parse(
      runBin(['sim', '--nodes', '30', '--duration', '20', '--scenario', 'crash', '--seed', 'cross', '--json'])
        .stdout,
    );
    expect(there.traceHash).toBe(here.traceHash);
  });

  it('exits with 2 and a message for bad arguments', () => {
    const r = runBin(['sim', '--nodes', 'many']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--nodes must be a whole number');
    expect(r.stdout).toBe('');
  });
});
