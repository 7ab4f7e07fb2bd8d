/**
 * Prometheus text exposition format 0.0.4 for the handful of metrics `GET /metrics` serves
 * (https://prometheus.io/docs/instrumenting/exposition_formats/).
 */
import type { DashboardSnapshot } from './dashboard-snapshot';

/** One metric family. */
export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  readonly samples: readonly { readonly labels?: Readonly<Record<string, string>>; readonly value: number }[];
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function escapeLabel(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/**
 * Writes metric families in the Prometheus text format (HELP, TYPE, then one line per sample).
 *
 * @example
 * ```ts
 * formatPrometheus([{ name: 'x_total', help: 'Xs.', type: 'counter', samples: [{ value: 3 }] }]);
 * // '# HELP x_total Xs.\n# TYPE x_total counter\nx_total 3\n'
 * ```
 */
export function formatPrometheus(families: readonly MetricFamily[]): string {
  let out = '';
  for (const family of families) {
    out += `# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n`;
    for (const sample of family.samples) {
      const labels = Object.entries(sample.labels ?? {});
      const labelText =
        labels.length === 0 ? '' : `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
      out += `${family.name}${labelText} ${formatValue(sample.value)}\n`;
    }
  }
  return out;
}

/** The dashboard's metrics for a snapshot. */
export function snapshotMetrics(snapshot: DashboardSnapshot): MetricFamily[] {
  return [
    {
      name: 'brightchain_sim_nodes',
      help: 'Simulated nodes by lifecycle state.',
      type: 'gauge',
      samples: Object.entries(snapshot.nodeStates).map(([state, value]) => ({ labels: { state }, value })),
    },
    {
      name: 'brightchain_sim_messages_sent_total',
      help: 'Messages handed to the simulated network.',
      type: 'counter',
      samples: [{ value: snapshot.messages.sent }],
    },
    {
      name: 'brightchain_sim_messages_delivered_total',
      help: 'Messages delivered to running nodes.',
      type: 'counter',
      samples: [{ value: snapshot.messages.delivered }],
    },
    {
      name: 'brightchain_sim_bytes_sent_total',
      help: 'Bytes handed to the simulated network.',
      type: 'counter',
      samples: [{ value: snapshot.messages.bytesSent }],
    },
    {
      name: 'brightchain_sim_events_total',
      help: 'Simulation events processed.',
      type: 'counter',
      samples: [{ value: snapshot.events }],
    },
    {
      name: 'brightchain_sim_simulated_seconds',
      help: 'Simulated time covered so far.',
      type: 'gauge',
      samples: [{ value: snapshot.simulatedMs / 1000 }],
    },
    {
      name: 'brightchain_sim_speed',
      help: 'Simulated seconds per wall second (0 while paused).',
      type: 'gauge',
      samples: [{ value: snapshot.paused ? 0 : snapshot.speed }],
    },
    {
      name: 'brightchain_sim_invariant_violations',
      help: 'Invariants violated so far.',
      type: 'gauge',
      samples: [{ value: snapshot.invariants.violated.length }],
    },
  ];
}
