/**
 * Test helper: a protocol whose nodes ping their peers every tick and record every tick and
 * delivery, so tests can observe exactly what the simulator did.
 */
import { type GuidV4, type Ready, ReadyBuilder, type StateMachine } from '@brightchain/core';
import type { NodeContext, SimProtocol, Simulation } from '@brightchain/sim';

export interface Ping {
  readonly origin: number;
  readonly seq: number;
  readonly bytes: number;
}

export interface Delivery {
  readonly from: number;
  readonly to: number;
  readonly seq: number;
  readonly at: number;
}

export interface TickRecord {
  readonly node: number;
  readonly now: number;
  readonly at: number;
}

export interface RecordingOptions {
  /** Tick interval (ms). */
  readonly tickMs?: number;
  /** Who each node pings on every tick. */
  readonly targets?: (index: number, nodes: number) => readonly number[];
  /** Message size in bytes. */
  readonly bytes?: number;
}

export class PingMachine implements StateMachine<Ping, never, string> {
  private readonly outbox = new ReadyBuilder<Ping, never, string>();
  private seq = 0;
  constructor(
    private readonly context: NodeContext,
    private readonly recorder: Recorder,
  ) {}
  step(_from: GuidV4, message: Ping): void {
    this.recorder.deliveries.push({
      from: message.origin,
      to: this.context.index,
      seq: message.seq,
      at: this.recorder.now(),
    });
  }
  tick(now: number): void {
    this.recorder.ticks.push({ node: this.context.index, now, at: this.recorder.now() });
    for (const target of this.recorder.targets(this.context.index)) {
      this.outbox.send(this.recorder.idOf(target), {
        origin: this.context.index,
        seq: this.seq++,
        bytes: this.recorder.bytes,
      });
    }
  }
  hasReady(): boolean {
    return this.outbox.nonEmpty;
  }
  ready(): Ready<Ping, never, string> {
    return this.outbox.take();
  }
  advance(): void {}
}

export class Recorder {
  readonly deliveries: Delivery[] = [];
  readonly ticks: TickRecord[] = [];
  sim: Simulation<PingMachine> | undefined;
  readonly protocol: SimProtocol<Ping, never, string, PingMachine>;
  readonly bytes: number;
  private readonly targetsOf: (index: number, nodes: number) => readonly number[];

  constructor(options: RecordingOptions = {}) {
    this.bytes = options.bytes ?? 100;
    this.targetsOf =
      options.targets ??
      ((index, nodes) => Array.from({ length: nodes }, (_, i) => i).filter((i) => i !== index));
    this.protocol = {
      name: 'recording',
      tickIntervalMs: options.tickMs ?? 100,
      create: (context) => new PingMachine(context, this),
      persist: () => {},
      sizeOf: (message) => message.bytes,
      digestOf: (message) => message.seq,
    };
  }

  now(): number {
    return this.sim?.now ?? 0;
  }
  idOf(index: number): GuidV4 {
    return (this.sim as Simulation<PingMachine>).nodeId(index);
  }
  targets(index: number): readonly number[] {
    return this.targetsOf(index, (this.sim as Simulation<PingMachine>).nodeCount);
  }
  between(from: number, to: number, start = 0, end = Number.POSITIVE_INFINITY): Delivery[] {
    return this.deliveries.filter((d) => d.from === from && d.to === to && d.at >= start && d.at < end);
  }
}
