import type { Database } from "@switchyard/db";
import { generateAgentToken } from "@switchyard/traffic";

/**
 * An agent stored the way the Agents page registers one (token hash and display prefix; no audit event), in
 * `groupId` or in a new group named `groupName` (default "edge"). Returns the token for the agent's bootstrap.
 */
export async function seedAgent(
  db: Database,
  options: { organizationId: string; name: string; groupId?: string; groupName?: string },
): Promise<{ token: string; agentId: string; groupId: string }> {
  const { organizationId, name } = options;
  const groupId =
    options.groupId ??
    (await db.gatewayGroup.create({ data: { organizationId, name: options.groupName ?? "edge" } })).id;
  const { token, hash, displayPrefix } = generateAgentToken();
  const agent = await db.agent.create({
    data: { organizationId, groupId, name, tokenHash: hash, tokenPrefix: displayPrefix },
  });
  return { token, agentId: agent.id, groupId };
}
