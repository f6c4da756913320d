"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";
import { formatDuration, signalLabels } from "@switchyard/alerting/format";
import { useOrganization } from "@/components/organization-context";
import { Badge, cx } from "@/components/ui";

const tabs = [
  { href: "", label: "Incidents" },
  { href: "/rules", label: "Rules" },
  { href: "/channels", label: "Channels" },
];

/** Incidents, rules and channels are three pages of one Alerts section. */
export function AlertsTabs() {
  const { slug } = useOrganization();
  const pathname = usePathname();
  const base = `/o/${slug}/alerts`;
  return (
    <nav aria-label="Alerts" className="mb-6 flex gap-1 border-b border-slate-200">
      {tabs.map((tab) => {
        const href = base + tab.href;
        const active =
          tab.href === ""
            ? pathname === base || pathname.startsWith(`${base}/incidents`)
            : pathname.startsWith(href);
        return (
          <Link
            key={tab.label}
            href={href}
            aria-current={active ? "page" : undefined}
            className={cx(
              "-mb-px border-b-2 px-3 py-2 text-sm",
              active
                ? "border-indigo-600 font-medium text-indigo-800"
                : "border-transparent text-slate-600 hover:text-slate-900",
            )}
          >
            {tab.label}
          </Link>
        );
      })}
    </nav>
  );
}

export function SeverityBadge({ severity }: { severity: "CRITICAL" | "WARNING" | "INFO" }) {
  const tone = severity === "CRITICAL" ? "red" : severity === "WARNING" ? "amber" : "gray";
  return <Badge tone={tone}>{severity.toLowerCase()}</Badge>;
}

export function IncidentStateBadge({ state }: { state: "PENDING" | "FIRING" | "RESOLVED" }) {
  const tone = state === "FIRING" ? "red" : state === "PENDING" ? "amber" : "green";
  return <Badge tone={tone}>{state.toLowerCase()}</Badge>;
}

/** An absolute time with how long ago, e.g. "14:02:11 (3 min ago)". */
export function Since({ at, now }: { at: Date; now: number }) {
  return (
    <time dateTime={at.toISOString()} title={at.toLocaleString()}>
      {at.toLocaleTimeString()}{" "}
      <span className="text-slate-500">({formatDuration(now - at.getTime())} ago)</span>
    </time>
  );
}

export { signalLabels };
export { conditionLabel, scopeLabel, valueAgainstThreshold } from "./labels";

/** The current time, ticking, for "3 min ago" labels. */
export function useNow(intervalMs = 5_000) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
