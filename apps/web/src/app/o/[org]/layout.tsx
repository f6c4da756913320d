import { notFound, redirect } from "next/navigation";
import type { ReactNode } from "react";
import { getDb } from "@switchyard/db";
import { AppShell } from "@/components/app-shell";
import { OrganizationProvider } from "@/components/organization-context";
import { getSession } from "@/server/auth";

export default async function OrganizationLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ org: string }>;
}) {
  const { org: slug } = await params;
  const session = await getSession();
  if (!session) redirect(`/sign-in?next=/o/${encodeURIComponent(slug)}`);
  const membership = await getDb().member.findFirst({
    where: { userId: session.user.id, organization: { slug } },
    select: { role: true, organization: { select: { id: true, name: true, slug: true } } },
  });
  // Not a member looks exactly like no such organization.
  if (!membership) notFound();
  return (
    <OrganizationProvider value={{ ...membership.organization, role: membership.role }}>
      <AppShell userEmail={session.user.email}>{children}</AppShell>
    </OrganizationProvider>
  );
}
