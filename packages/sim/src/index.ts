export { SimErrorCode } from './error-codes';
export { Simulation, RESERVED_SECTIONS } from './simulation';
export type { NodeState, SimNode, SimulationOptions, SimulationStats } from './simulation';
export { NetworkModel } from './network-model';
export type { NetworkStats, PartitionOptions } from './network-model';
export { DEFAULT_LINK, validateLinkConfig } from './link';
export type { LatencyDistribution, LinkConfig } from './link';
export { FAULT_TYPES, parseFaultSchedule, parseFaultScheduleJson } from './fault-schedule';
export type {
  FaultAction,
  FaultSchedule,
  FaultType,
  NodeSelector,
  RegionSpec,
  ScheduledFault,
} from './fault-schedule';
export { randomFaultSchedule } from './nemesis';
export type { NemesisStats, RandomFaultScheduleOptions } from './nemesis';
export type { Invariant, InvariantViolation } from './invariant';
export type { NodeLifecycleCause, SimulationPlugin } from './plugin';
export { ProtocolRegistry } from './protocol';
export type {
  AnySimProtocol,
  AnyStateMachine,
  NodeContext,
  ProtocolRunOptions,
  SimProtocol,
} from './protocol';
export { ScenarioRegistry, BUILT_IN_SCENARIOS } from './scenario';
export type { Scenario, ScenarioContext } from './scenario';
export { protocols, scenarios } from './default-registries';
export { runScenario, settleTimeMs } from './run-scenario';
export type { RunScenarioOptions } from './run-scenario';
export { buildReport } from './report';
export type { MessageReport, ReportContext, SimulationReport } from './report';
export { MaxRegisterGossip } from './gossip/max-register-gossip';
export type {
  GossipEvent,
  GossipMessage,
  GossipRecord,
  MaxRegisterGossipOptions,
} from './gossip/max-register-gossip';
export { GossipPlugin, createGossipProtocol, gossipProtocol } from './gossip/gossip-protocol';
export type {
  ConvergenceLatency,
  GossipPluginOptions,
  GossipProtocolOptions,
  GossipReport,
} from './gossip/gossip-protocol';
