import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ExitCode, parseSimArgs, runCli } from '@brightchain/cli';
import { runSimDashboard } from '../src/commands/sim';
import { memoryIo } from './memory-io';

function fetchText(url: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
    }).on('error', reject);
  });
}

function options(args: readonly string[]) {
  const parsed = parseSimArgs(args);
  if (parsed === 'help') throw new Error('unexpected help');
  return parsed;
}

describe('brightchain sim --dashboard: arguments', () => {
  it('parses the dashboard options with defaults', () => {
    expect(options(['--seed', '1', '--dashboard']).dashboard).toEqual({
      port: 0,
      speed: 10,
      keepOpen: false,
    });
    expect(
      options(['--seed', '1', '--dashboard', '--port', '8123', '--speed', '2.5', '--keep-open']).dashboard,
    ).toEqual({ port: 8123, speed: 2.5, keepOpen: true });
    expect(options(['--seed', '1'])).not.toHaveProperty('dashboard');
  });

  it.each([
    [['--port', '8080'], /--port is only used with --dashboard/],
    [['--speed', '3'], /--speed is only used with --dashboard/],
    [['--keep-open'], /--keep-open is only used with --dashboard/],
    [['--dashboard', '--port', '65536'], /--port must be between 0 and 65535/],
    [['--dashboard', '--port', 'http'], /--port must be a whole number/],
    [['--dashboard', '--speed', '0'], /--speed must be greater than 0/],
    [['--dashboard', '--speed', 'fast'], /--speed must be a number/],
  ])('%j exits with 2 and says why', (args, message) => {
    const io = memoryIo();
    expect(runCli(['sim', '--seed', '1', ...args], io)).toBe(ExitCode.USAGE);
    expect(io.stderrText()).toMatch(message);
    expect(io.stderrText()).toContain('[BC_CLI_USAGE]');
  });

  it('documents the options in --help', () => {
    const io = memoryIo();
    runCli(['sim', '--help'], io);
    for (const flag of ['--dashboard', '--port N', '--speed X', '--keep-open'])
      expect(io.stdoutText()).toContain(flag);
  });
});

describe('brightchain sim --dashboard: the session', () => {
  it('serves while running, prints the report at the duration, then closes', async () => {
    const io = memoryIo();
    let url = '';
    const code = await runSimDashboard(
      options(['--nodes', '10', '--duration', '3', '--seed', '4', '--dashboard', '--speed', '30', '--json']),
      io,
      {
        onListening: (u) => {
          url = u;
        },
        stop: new Promise(() => {}),
      },
    );
    expect(code).toBe(ExitCode.OK);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(io.stderrText()).toContain(`Dashboard: ${url}`);
    const report = JSON.parse(io.stdoutText());
    expect(report).toMatchObject({ simulatedSeconds: 3, nodes: 10, seed: 4, scenario: 'steady' });
    await expect(fetchText(`${url}api/snapshot`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    // Pacing does not change the run: same trace hash as without --dashboard.
    const plain = memoryIo();
    runCli(['sim', '--nodes', '10', '--duration', '3', '--seed', '4', '--json'], plain);
    expect(report.traceHash).toBe(JSON.parse(plain.stdoutText()).traceHash);
    expect(report.events).toBe(JSON.parse(plain.stdoutText()).events);
  });

  it('answers on its URL, keeps serving after the report with --keep-open, and stops on request', async () => {
    const io = memoryIo();
    let stop: () => void = () => {};
    let listening: (url: string) => void = () => {};
    const urlKnown = new Promise<string>((resolve) => {
      listening = resolve;
    });
    const session = runSimDashboard(
      options([
        '--nodes',
        '8',
        '--duration',
        '2',
        '--seed',
        '9',
        '--dashboard',
        '--speed',
        '40',
        '--keep-open',
      ]),
      io,
      {
        onListening: listening,
        stop: new Promise<void>((resolve) => {
          stop = resolve;
        }),
      },
    );
    const url = await urlKnown;
    const snapshot = await fetchText(`${url}api/snapshot`);
    expect(snapshot.status).toBe(200);
    expect(JSON.parse(snapshot.text).nodes).toHaveLength(8);
    const deadline = Date.now() + 15_000;
    while (!io.stdoutText().includes('trace') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(io.stdoutText()).toMatch(/trace/i);
    expect(io.stderrText()).toContain('stays up');
    const after = JSON.parse((await fetchText(`${url}api/snapshot`)).text);
    expect(after).toMatchObject({ finished: true, simulatedMs: 2_000 });
    stop();
    expect(await session).toBe(ExitCode.OK);
    await expect(fetchText(url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('listens on --port, and rejects with EADDRINUSE when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      await expect(
        runSimDashboard(
          options(['--nodes', '3', '--seed', '1', '--dashboard', '--port', String(port)]),
          memoryIo(),
          {
            stop: new Promise(() => {}),
          },
        ),
      ).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    let url = '';
    const code = await runSimDashboard(
      options([
        '--nodes',
        '3',
        '--duration',
        '1',
        '--seed',
        '1',
        '--dashboard',
        '--port',
        String(port),
        '--speed',
        '50',
      ]),
      memoryIo(),
      {
        onListening: (u) => {
          url = u;
        },
        stop: new Promise(() => {}),
      },
    );
    expect(code).toBe(ExitCode.OK);
    expect(url).toBe(`http://127.0.0.1:${port}/`);
  });

  it('prints the report so far when interrupted', async () => {
    const io = memoryIo();
    const code = await runSimDashboard(
      options(['--nodes', '5', '--duration', '3600', '--seed', '2', '--dashboard', '--json']),
      io,
      { stop: new Promise((r) => setTimeout(r, 300)) },
    );
    expect(code).toBe(ExitCode.OK);
    expect(io.stderrText()).toContain('Interrupted at');
    expect(JSON.parse(io.stdoutText()).simulatedSeconds).toBeLessThan(3600);
  });

  it('fails with exit code 2 before serving for a missing schedule file', () => {
    const io = memoryIo();
    expect(
      runCli(['sim', '--scenario', 'custom', '--schedule', 'nope.json', '--dashboard', '--seed', '1'], io),
    ).toBe(ExitCode.USAGE);
    expect(io.stderrText()).toContain('BC_CLI_FILE_UNREADABLE');
    expect(io.stderrText()).not.toContain('Dashboard:');
  });
});

describe('the built brightchain binary with --dashboard', () => {
  const BIN = join(__dirname, '..', 'dist', 'bin.js');
  beforeAll(() => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build first (npm test builds before jest)`);
  });

  it('prints a URL that answers, then exits by itself with code 0 at the duration', async () => {
    const child = spawn(
      process.execPath,
      [
        BIN,
        'sim',
        '--nodes',
        '10',
        '--duration',
        '4',
        '--seed',
        '3',
        '--dashboard',
        '--speed',
        '8',
        '--json',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString('utf8');
        const match = /Dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stderr);
        if (match) resolve(match[1] as string);
      });
      child.on('exit', () => reject(new Error(`exited early: ${stderr}`)));
    });
    const page = await fetchText(url);
    expect([200, 503]).toContain(page.status);
    const snapshot = await fetchText(`${url}api/snapshot`);
    expect(snapshot.status).toBe(200);
    expect(JSON.parse(snapshot.text)).toMatchObject({ seed: '3', durationMs: 4_000 });
    expect(await exited).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ simulatedSeconds: 4, seed: 3 });
  });

  it('stops on SIGINT, prints the report so far and exits with code 0', async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'sim', '--nodes', '10', '--duration', '3600', '--seed', '5', '--dashboard', '--json'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString('utf8');
        if (stderr.includes('Dashboard: http://127.0.0.1:')) resolve();
      });
      child.on('exit', () => reject(new Error(`exited early: ${stderr}`)));
    });
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toContain('Interrupted at');
    expect(JSON.parse(stdout).simulatedSeconds).toBeLessThan(3600);
  });
});
