import { createAccessControl } from "better-auth/plugins/access";
import { organizationRoles } from "@switchyard/contracts";
import { defaultStatements } from "better-auth/plugins/organization/access";

/**
 * Organization roles, from most to least powerful. Our own procedures compare ranks (a role may do what
 * every role below it may do); better-auth's organization endpoints check the access-control statements.
 */
export const roles = organizationRoles;
export type Role = (typeof roles)[number];

const rank: Record<Role, number> = { owner: 3, admin: 2, operator: 1, viewer: 0 };

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}

/** True when `role` is `minimum` or above. An unknown role (a hand-edited row) is allowed nothing. */
export function roleAtLeast(role: string, minimum: Role): boolean {
  return isRole(role) && rank[role] >= rank[minimum];
}

export const roleDescriptions: Record<Role, string> = {
  owner: "Everything, including deleting the organization",
  admin: "Members, gateway groups and agent tokens, and everything an operator can do",
  operator: "Traffic changes (weights, canaries, rate limits) and alert handling",
  viewer: "Read-only access to dashboards, traffic and audit",
};

export const accessControl = createAccessControl(defaultStatements);

export const accessControlRoles = {
  owner: accessControl.newRole({
    organization: ["update", "delete"],
    member: ["create", "update", "delete"],
    invitation: ["create", "cancel"],
  }),
  admin: accessControl.newRole({
    organization: ["update"],
    member: ["create", "update", "delete"],
    invitation: ["create", "cancel"],
  }),
  operator: accessControl.newRole({}),
  viewer: accessControl.newRole({}),
};
