/**
 * The registries the scenario runner and the CLI use by default. Packages that add protocols or
 * scenarios register them here (`protocols.register(…)`, `scenarios.register(…)`).
 */
import { gossipProtocol } from './gossip/gossip-protocol';
import { ProtocolRegistry } from './protocol';
import { BUILT_IN_SCENARIOS, ScenarioRegistry } from './scenario';

/**
 * The default protocol registry: `gossip` (the reference max-register gossip).
 *
 * @example
 * ```ts
 * protocols.register(membershipProtocol);
 * protocols.names(); // ['gossip', 'membership']
 * ```
 */
export const protocols: ProtocolRegistry = new ProtocolRegistry();
protocols.register(gossipProtocol);

/**
 * The default scenario registry: `steady`, `crash`, `stall`, `partition`, `shutdown`, `churn`,
 * `showcase`, `custom`.
 *
 * @example
 * ```ts
 * scenarios.get('partition').description; // 'a 50/50 split for 5 minutes …'
 * ```
 */
export const scenarios: ScenarioRegistry = new ScenarioRegistry(BUILT_IN_SCENARIOS);
