/**
 * The human-readable summary of a simulation report printed by `brightchain sim` without `--json`.
 */
import type { SimulationReport } from '@brightchain/sim';
import { RESERVED_SECTIONS } from '@brightchain/sim';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/**
 * The command line that replays this run.
 *
 * @example
 * ```ts
 * replayCommand(report, ['--loss 0.01']); // 'brightchain sim --nodes 100 --seed 7 --duration 600 --scenario crash --loss 0.01'
 * ```
 */
export function replayCommand(report: SimulationReport, extra: readonly string[] = []): string {
  const seed = typeof report.seed === 'number' ? String(report.seed) : JSON.stringify(report.seed);
  return [
    'brightchain sim',
    `--nodes ${report.nodes}`,
    `--seed ${seed}`,
    `--duration ${report.simulatedSeconds}`,
    `--scenario ${report.scenario}`,
    ...extra,
  ].join(' ');
}

/**
 * Formats `report` as an aligned, readable block of text (ends with a newline).
 *
 * @example
 * ```ts
 * process.stdout.write(formatSimSummary(runScenario('steady', { seed: 1, nodes: 10, durationSeconds: 30 })));
 * ```
 */
export function formatSimSummary(report: SimulationReport, replayExtra: readonly string[] = []): string {
  const m = report.messages;
  const lines: [string, string][] = [];
  lines.push([
    'scenario',
    `${report.scenario} · protocol ${report.protocol} · ${report.nodes} nodes · seed ${report.seed}`,
  ]);
  const speed = report.speedup === null ? '' : ` (${decimal.format(report.speedup)}× real time)`;
  lines.push([
    'time',
    `${decimal.format(report.simulatedSeconds)} s simulated in ${report.wallSeconds.toFixed(2)} s wall${speed}`,
  ]);
  lines.push(['events', integer.format(report.events)]);
  lines.push(['trace hash', report.traceHash]);
  lines.push([
    'messages',
    `${integer.format(m.sent)} sent, ${integer.format(m.delivered)} delivered · ` +
      `${decimal.format(m.perNodePerSecond.count)} msg and ${integer.format(m.perNodePerSecond.bytes)} B per node per second`,
  ]);
  const d = m.dropped;
  lines.push([
    'dropped',
    `loss ${integer.format(d.loss)} · partition ${integer.format(d.partition)} · node down ${integer.format(d.nodeDown)}` +
      ` · overflow ${integer.format(d.overflow)} · duplicated ${integer.format(m.duplicated)} · held ${integer.format(m.heldByClog)}`,
  ]);
  const s = report.nodeStates;
  lines.push(['nodes', `up ${s.up} · paused ${s.paused} · crashed ${s.crashed} · stopped ${s.stopped}`]);
  const applied = Object.entries(report.faults.applied);
  lines.push([
    'faults',
    applied.length === 0
      ? 'none'
      : `${applied.map(([type, n]) => `${type} ×${n}`).join(' · ')} (${report.faults.nodesAffected} node effects)`,
  ]);
  const { checked, violated } = report.invariants;
  lines.push([
    'invariants',
    violated.length === 0
      ? `${checked.length} checked, all held (${checked.join(', ')})`
      : `${violated.length} of ${checked.length} VIOLATED`,
  ]);
  for (const [key, value] of Object.entries(report)) {
    if (!RESERVED_SECTIONS.has(key)) lines.push([key, JSON.stringify(value)]);
  }
  const width = Math.max(...lines.map(([label]) => label.length));
  const out = lines.map(([label, text]) => `${label.padEnd(width)}  ${text}`);
  for (const v of violated) {
    out.push(
      `  ✗ ${v.invariant} at ${decimal.format(v.timeMs)} ms (event ${v.event}, seed ${v.seed}, ×${v.occurrences}): ${v.message}`,
    );
  }
  out.push(`${'replay'.padEnd(width)}  ${replayCommand(report, replayExtra)}`);
  return `${out.join('\n')}\n`;
}
