/** Who talks to the servers in the benchmark: each autocannon connection is its own user in its own conversation. */

/** The reference provider (data-seed/providers.json) whose approvers decide the benchmark's requests. */
export const BENCH_PROVIDER = '11111111-1111-4111-8111-111111111111';
/** The reseller organization whose agents list its customers. */
export const BENCH_RESELLER = 'bbbbbbbb-0000-4000-8000-000000000001';

export const agentId = (connection: number) => `bench-agent-${connection}`;
export const approverId = (connection: number) => `bench-approver-${connection}`;
/** The tenant of the reseller whose request the n-th Approve decides. */
export const requestResellerId = (n: number) => `cccccccc-0000-4000-8000-${String(n).padStart(12, '0')}`;
