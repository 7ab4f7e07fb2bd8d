import { BrightChainError } from '@brightchain/core';
import { CliErrorCode, ExitCode, parseSimArgs, renderProgressBar, runCli } from '@brightchain/cli';
import { memoryIo } from './memory-io';

const SMALL = ['--nodes', '12', '--duration', '10', '--seed', '5'];

describe('brightchain sim: arguments', () => {
  it.each([
    [['--nodes', 'abc'], /--nodes must be a whole number/],
    [['--nodes', '0'], /--nodes must be between 1 and 1000000/],
    [['--nodes', '1000001'], /--nodes must be between/],
    [['--nodes', '-5'], /argument is ambiguous|--nodes/],
    [['--nodes', '2.5'], /--nodes must be a whole number/],
    [['--duration', '0'], /--duration must be greater than 0/],
    [['--duration', 'ten'], /--duration must be a number/],
    [['--duration', 'Infinity'], /--duration must be a number/],
    [['--loss', '1.5'], /--loss must be between 0 and 1/],
    [['--loss', 'x'], /--loss must be a number/],
    [['--scenario', 'meteor'], /unknown scenario "meteor"/],
    [['--protocol', 'raft'], /unknown protocol "raft"/],
    [['--scenario', 'custom'], /--scenario custom needs --schedule FILE/],
    [['--schedule', 'x.json'], /--schedule is only used with --scenario custom/],
    [['--warp'], /Unknown option '--warp'/],
    [['--nodes'], /argument missing/],
    [['extra'], /Unexpected argument 'extra'|positional/i],
    [['--seed', ''], /--seed must be 1–256 characters/],
  ])('%j exits with 2 and says why', (args, message) => {
    const io = memoryIo();
    expect(runCli(['sim', ...args], io)).toBe(ExitCode.USAGE);
    expect(io.stderrText()).toMatch(message);
    expect(io.stderrText()).toContain('[BC_CLI_USAGE]');
    expect(io.stderrText()).toContain('brightchain sim --help');
    expect(io.stdoutText()).toBe('');
  });

  it('parses good arguments, with defaults', () => {
    expect(
      parseSimArgs(['--nodes', '7', '--seed', '42', '--duration', '1.5', '--loss', '0.25', '--json']),
    ).toEqual({
      nodes: 7,
      seed: 42,
      durationSeconds: 1.5,
      scenario: 'steady',
      protocol: 'gossip',
      loss: 0.25,
      json: true,
    });
    expect(parseSimArgs(['--seed', 'night-run'])).toMatchObject({
      seed: 'night-run',
      nodes: 100,
      durationSeconds: 600,
    });
    expect(parseSimArgs(['--seed=-3'])).toMatchObject({ seed: -3 });
    const random = parseSimArgs([]);
    expect(random).not.toBe('help');
    if (random !== 'help') expect(Number.isSafeInteger(random.seed)).toBe(true);
    expect(parseSimArgs(['--help'])).toBe('help');
  });

  it('throws typed usage errors from parseSimArgs', () => {
    let caught: unknown;
    try {
      parseSimArgs(['--nodes', 'x']);
    } catch (error) {
      caught = error;
    }
    expect(BrightChainError.isInstance(caught, CliErrorCode.USAGE)).toBe(true);
  });

  it('prints help for sim --help and for the bare command', () => {
    const io = memoryIo();
    expect(runCli(['sim', '--help'], io)).toBe(ExitCode.OK);
    expect(io.stdoutText()).toContain('Usage: brightchain sim');
    for (const scenario of ['steady', 'crash', 'stall', 'partition', 'shutdown', 'churn', 'custom']) {
      expect(io.stdoutText()).toContain(`  ${scenario}`);
    }
    const bare = memoryIo();
    expect(runCli([], bare)).toBe(ExitCode.USAGE);
    expect(bare.stderrText()).toContain('Usage: brightchain <command>');
    const unknown = memoryIo();
    expect(runCli(['fly'], unknown)).toBe(ExitCode.USAGE);
    expect(unknown.stderrText()).toContain('unknown command "fly"');
  });
});

describe('brightchain sim: output', () => {
  it('--json prints one JSON object with the documented fields', () => {
    const io = memoryIo();
    expect(runCli(['sim', ...SMALL, '--scenario', 'crash', '--json'], io)).toBe(ExitCode.OK);
    const lines = io.stdoutText().trim().split('\n');
    expect(lines.length).toBe(1);
    const report = JSON.parse(lines[0] as string);
    expect(report).toMatchObject({
      seed: 5,
      nodes: 12,
      scenario: 'crash',
      simulatedSeconds: 10,
      protocol: 'gossip',
    });
    expect(typeof report.wallSeconds).toBe('number');
    expect(report.events).toBeGreaterThan(0);
    expect(report.traceHash).toMatch(/^[0-9a-f]{16}$/);
    expect(report.messages.perNodePerSecond).toEqual({
      count: expect.any(Number),
      bytes: expect.any(Number),
    });
    expect(report.messages.sent).toBeGreaterThan(0);
    expect(report.invariants).toEqual({ checked: ['gossip/monotonic', 'gossip/convergence'], violated: [] });
    expect(report.gossip).toEqual(expect.objectContaining({ writes: expect.any(Number) }));
    expect(io.stderrText()).toBe('');
  });

  it('prints a readable summary with the trace hash and a replay command', () => {
    const io = memoryIo();
    expect(runCli(['sim', ...SMALL, '--scenario', 'partition', '--loss', '0.01'], io)).toBe(ExitCode.OK);
    const text = io.stdoutText();
    expect(text).toMatch(/trace hash\s+[0-9a-f]{16}/);
    expect(text).toMatch(/invariants\s+2 checked, all held/);
    expect(text).toContain('replay');
    expect(text).toContain(
      'brightchain sim --nodes 12 --seed 5 --duration 10 --scenario partition --loss 0.01',
    );
  });

  it('the same arguments give the same trace hash; another seed a different one', () => {
    const hash = (seed: string) => {
      const io = memoryIo();
      runCli(
        ['sim', '--nodes', '12', '--duration', '10', '--seed', seed, '--scenario', 'stall', '--json'],
        io,
      );
      return JSON.parse(io.stdoutText()).traceHash as string;
    };
    expect(hash('9')).toBe(hash('9'));
    expect(hash('9')).not.toBe(hash('10'));
  });

  it('draws a progress bar on stderr only when it is a terminal', () => {
    const tty = memoryIo({ tty: true });
    runCli(['sim', ...SMALL, '--json'], tty);
    expect(tty.stderrText()).toContain('100%');
    expect(tty.stderrText()).toContain('s simulated');
    expect(JSON.parse(tty.stdoutText()).nodes).toBe(12);
    expect(renderProgressBar(30, 60, 'simulated', 60)).toMatch(/^\[█+░+\] {2}50% {2}30\/60 s simulated$/);
    expect(renderProgressBar(90, 60, 'simulated')).toContain('100%');
  });
});

describe('brightchain sim --scenario custom', () => {
  const good = JSON.stringify({
    version: 1,
    regions: [
      { name: 'eu', share: 1 },
      { name: 'us', share: 1 },
    ],
    actions: [
      { at: 1000, type: 'crash', nodes: { region: 'eu' }, restartAfterMs: 2000 },
      { at: 2000, type: 'partition', groups: [[0, 1, 2]], oneWay: true, healAfterMs: 1000 },
    ],
  });

  it('runs a valid schedule file', () => {
    const io = memoryIo({ files: { 'faults.json': good } });
    expect(runCli(['sim', ...SMALL, '--scenario', 'custom', '--schedule', 'faults.json', '--json'], io)).toBe(
      0,
    );
    const report = JSON.parse(io.stdoutText());
    expect(report.faults.applied).toEqual({ crash: 1, partition: 1 });
    expect(report.faults.nodesAffected).toBe(6 + 3);
  });

  it.each([
    ['not JSON', '{"version": 1,', /not valid JSON/],
    ['wrong version', '{"version": 3, "actions": []}', /version: must be 1/],
    [
      'bad action',
      '{"version": 1, "actions": [{"at": 0, "type": "crash", "nodes": {"percent": 200}}]}',
      /actions\[0\]\.nodes\.percent/,
    ],
    [
      'unknown region',
      '{"version": 1, "actions": [{"at": 0, "type": "crash", "nodes": {"region": "mars"}}]}',
      /unknown region "mars"/,
    ],
    ['unknown field', '{"version": 1, "actions": [], "extra": true}', /extra: unknown field/],
  ])('rejects a schedule that is %s: exit 2 and a typed error naming the file', (_name, text, message) => {
    const io = memoryIo({ files: { 'bad.json': text } });
    expect(runCli(['sim', ...SMALL, '--scenario', 'custom', '--schedule', 'bad.json'], io)).toBe(
      ExitCode.USAGE,
    );
    expect(io.stderrText()).toMatch(message);
    expect(io.stderrText()).toContain('invalid schedule file bad.json');
    expect(io.stderrText()).toContain('[BC_SIM_SCHEDULE_INVALID]');
    expect(io.stdoutText()).toBe('');
  });

  it('a missing file exits with 2', () => {
    const io = memoryIo();
    expect(runCli(['sim', '--scenario', 'custom', '--schedule', 'nowhere.json'], io)).toBe(ExitCode.USAGE);
    expect(io.stderrText()).toContain('cannot read schedule file nowhere.json [BC_CLI_FILE_UNREADABLE]');
  });
});
