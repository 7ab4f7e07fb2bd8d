// Shared benchmark harness. Each package's bench/index.mjs measures figures against a baseline in the
// same run and calls writeReport(); results land in bench-results/<package>.json with the machine.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** CPU model, cores, memory and Node version of this machine. */
export function machineInfo() {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

/**
 * Runs `candidate` and `baseline` (each `{ name, fn }`, fn may be async) in one tinybench run and
 * returns a figure: ops/s of both and ratio = candidate / baseline (higher is better for the candidate).
 */
export async function compare(
  name,
  candidate,
  baseline,
  { time = 1000, warmupTime = 200, unit = 'ops/s' } = {},
) {
  const bench = new Bench({ time, warmupTime });
  bench.add(candidate.name, candidate.fn).add(baseline.name, baseline.fn);
  await bench.run();
  const [c, b] = bench.tasks.map((t) => t.result);
  const hz = (r) => (r && 'throughput' in r ? r.throughput.mean : r?.hz) ?? Number.NaN;
  const cHz = hz(c);
  const bHz = hz(b);
  return figure({
    name,
    unit,
    value: cHz,
    baseline: { name: baseline.name, value: bHz },
    candidate: candidate.name,
  });
}

/** Measures the mean wall time of `fn` (ms) over `iterations` runs after `warmup` runs. */
export async function timeIt(fn, { iterations = 10, warmup = 1 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const samples = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return {
    meanMs: samples.reduce((a, b) => a + b, 0) / samples.length,
    medianMs: samples[Math.floor(samples.length / 2)],
    minMs: samples[0],
  };
}

/**
 * Builds one figure. `baseline` is `{ name, value }` in the same unit; ratio = value / baseline.value
 * (for time units, lower is better, so the ratio reported is baseline / value: always "times better").
 */
export function figure({ name, unit, value, baseline, candidate, target, notes }) {
  const lowerIsBetter = /(^|\/)(ms|s|bytes)$|^ms|^s$|seconds|bytes/.test(unit) && !unit.endsWith('/s');
  const ratio =
    baseline && Number.isFinite(baseline.value) && baseline.value !== 0
      ? lowerIsBetter
        ? baseline.value / value
        : value / baseline.value
      : null;
  return {
    name,
    ...(candidate ? { candidate } : {}),
    unit,
    value: round(value),
    ...(baseline ? { baseline: { name: baseline.name, value: round(baseline.value) } } : {}),
    ...(ratio !== null
      ? {
          ratio: round(ratio),
          ratioMeaning: lowerIsBetter ? 'baseline/value (times faster)' : 'value/baseline',
        }
      : {}),
    ...(target ? { target } : {}),
    ...(notes ? { notes } : {}),
  };
}

function round(x) {
  if (!Number.isFinite(x)) return x;
  const digits = Math.abs(x) >= 100 ? 1 : 4;
  return Math.round(x * 10 ** digits) / 10 ** digits;
}

/** Writes bench-results/<pkg>.json and prints a table. */
export function writeReport(pkg, figures) {
  const dir = join(root, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const report = {
    package: `@brightchain/${pkg}`,
    date: new Date().toISOString(),
    machine: machineInfo(),
    figures,
  };
  const file = join(dir, `${pkg}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.table(
    figures.map((f) => ({
      name: f.name,
      value: f.value,
      unit: f.unit,
      baseline: f.baseline?.value,
      ratio: f.ratio,
    })),
  );
  console.log(`wrote ${file}`);
  return report;
}
