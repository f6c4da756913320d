"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useState, type ReactNode } from "react";
import { authClient } from "@switchyard/auth/client";
import { useTRPC } from "@/trpc/react";
import { useOrganization } from "./organization-context";
import { cx } from "./ui";

const sections = [
  { href: "", label: "Overview" },
  { href: "/services", label: "Services" },
  { href: "/map", label: "Map" },
  { href: "/traces", label: "Traces" },
  { href: "/traffic", label: "Traffic" },
  { href: "/alerts", label: "Alerts" },
  { href: "/agents", label: "Agents" },
  { href: "/audit", label: "Audit" },
  { href: "/settings", label: "Settings" },
];

export function AppShell({ userEmail, children }: { userEmail: string; children: ReactNode }) {
  const org = useOrganization();
  const pathname = usePathname();
  const router = useRouter();
  const trpc = useTRPC();
  const me = useQuery(trpc.viewer.me.queryOptions());
  const [menuOpen, setMenuOpen] = useState(false);
  const base = `/o/${org.slug}`;

  async function signOut() {
    await authClient.signOut();
    router.push("/sign-in");
    router.refresh();
  }

  return (
    <div className="min-h-screen md:flex">
      <aside className="border-b border-slate-200 bg-white md:sticky md:top-0 md:h-screen md:w-56 md:shrink-0 md:border-r md:border-b-0">
        <div className="flex items-center justify-between px-4 py-3">
          <Link href={base} className="text-base font-semibold tracking-tight text-indigo-700">
            Switchyard
          </Link>
          <button
            type="button"
            className="rounded-md border border-slate-300 px-2 py-1 text-sm md:hidden"
            aria-expanded={menuOpen}
            aria-controls="main-nav"
            onClick={() => setMenuOpen((open) => !open)}
          >
            Menu
          </button>
        </div>
        <div className={cx("px-3 pb-3", !menuOpen && "hidden md:block")}>
          <label className="mb-3 block text-xs font-medium text-slate-500">
            Organization
            <select
              aria-label="Switch organization"
              className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900"
              value={org.slug}
              onChange={(e) => router.push(`/o/${e.target.value}`)}
            >
              {(me.data?.organizations ?? [{ slug: org.slug, name: org.name }]).map((o) => (
                <option key={o.slug} value={o.slug}>
                  {o.name}
                </option>
              ))}
            </select>
            <Link
              href="/onboarding"
              className="mt-1 inline-block text-xs font-medium text-indigo-700 hover:underline"
            >
              New organization
            </Link>
          </label>
          <nav id="main-nav" aria-label="Main">
            <ul className="space-y-0.5">
              {sections.map((section) => {
                const href = base + section.href;
                const active = section.href === "" ? pathname === base : pathname.startsWith(href);
                return (
                  <li key={section.label}>
                    <Link
                      href={href}
                      aria-current={active ? "page" : undefined}
                      onClick={() => setMenuOpen(false)}
                      className={cx(
                        "block rounded-md px-3 py-1.5 text-sm",
                        active
                          ? "bg-indigo-50 font-medium text-indigo-800"
                          : "text-slate-700 hover:bg-slate-100",
                      )}
                    >
                      {section.label}
                    </Link>
                  </li>
                );
              })}
            </ul>
          </nav>
          <div className="mt-4 border-t border-slate-200 pt-3 text-xs text-slate-500">
            <p className="truncate" title={userEmail}>
              {userEmail}
            </p>
            <p className="mt-0.5">Role: {org.role}</p>
            <button
              type="button"
              onClick={signOut}
              className="mt-2 text-sm font-medium text-slate-700 hover:underline"
            >
              Sign out
            </button>
          </div>
        </div>
      </aside>
      <main className="min-w-0 flex-1 px-4 py-6 md:px-8">{children}</main>
    </div>
  );
}
