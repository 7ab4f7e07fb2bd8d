/**
 * Reusable jest compliance suites for BrightChain port adapters: every `Store` adapter (in-memory,
 * LMDB, …) runs {@link describeStoreCompliance}, every `Transport` adapter (in-memory, libp2p, …)
 * runs {@link describeTransportCompliance}.
 */
export { MINIMUM_STORE_LIMITS, describeStoreCompliance } from './store-compliance';
export type { StoreHarness, StoreHarnessFactory } from './store-compliance';
export { describeTransportCompliance } from './transport-compliance';
export type { TransportHarness, TransportHarnessFactory } from './transport-compliance';
