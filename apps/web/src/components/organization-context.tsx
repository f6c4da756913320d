"use client";

import { createContext, useContext, type ReactNode } from "react";
import { roleAtLeast, type Role } from "@switchyard/auth/roles";

export interface OrganizationInfo {
  id: string;
  name: string;
  slug: string;
  role: string;
}

const OrganizationContext = createContext<OrganizationInfo | null>(null);

export function OrganizationProvider({ value, children }: { value: OrganizationInfo; children: ReactNode }) {
  return <OrganizationContext.Provider value={value}>{children}</OrganizationContext.Provider>;
}

export function useOrganization(): OrganizationInfo & { can: (minimum: Role) => boolean } {
  const org = useContext(OrganizationContext);
  if (!org) throw new Error("useOrganization is used outside an organization page");
  // Hiding a control is a courtesy; the API checks the role again on every call.
  return { ...org, can: (minimum) => roleAtLeast(org.role, minimum) };
}
