import { organizationClient } from "better-auth/client/plugins";
import { createAuthClient } from "better-auth/react";
import { accessControl, accessControlRoles } from "./roles";

/** The browser-side auth client; same origin as the control plane, so no base URL is needed. */
export const authClient = createAuthClient({
  plugins: [organizationClient({ ac: accessControl, roles: accessControlRoles })],
});
