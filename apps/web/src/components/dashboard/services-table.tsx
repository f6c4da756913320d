"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { RouterOutputs } from "@switchyard/api";
import type { ViewState } from "@switchyard/contracts";
import { useOrganization } from "@/components/organization-context";
import { Alert, EmptyState, Loading } from "@/components/ui";
import { messageOf } from "@/trpc/errors";
import { useTRPC } from "@/trpc/react";
import { formatMs, formatPercent, formatRate, healthColor } from "./format";
import { HealthBadge } from "./health-badge";
import { RangePicker } from "./range-picker";
import { Sparkline } from "./sparkline";
import { useViewState } from "./use-view-state";

type ServiceRow = RouterOutputs["telemetry"]["overview"]["services"][number];

const HEALTH_ORDER = { critical: 0, degraded: 1, healthy: 2, idle: 3 } as const;

const COLUMNS: Array<{ key: ViewState["sort"]; label: string; value: (s: ServiceRow) => number | string }> = [
  { key: "name", label: "Service", value: (s) => s.name },
  { key: "health", label: "Health", value: (s) => HEALTH_ORDER[s.health] },
  { key: "rate", label: "Rate", value: (s) => s.totals.rate },
  { key: "errorRate", label: "Errors", value: (s) => s.totals.errorRate },
  { key: "p50", label: "p50", value: (s) => s.totals.p50Ms ?? -1 },
  { key: "p95", label: "p95", value: (s) => s.totals.p95Ms ?? -1 },
  { key: "p99", label: "p99", value: (s) => s.totals.p99Ms ?? -1 },
];

export function sortServices(
  rows: ServiceRow[],
  sort: ViewState["sort"],
  dir: ViewState["dir"],
): ServiceRow[] {
  const column = COLUMNS.find((c) => c.key === sort) ?? COLUMNS[0]!;
  const sign = dir === "asc" ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = column.value(a);
    const y = column.value(b);
    const order = typeof x === "string" ? x.localeCompare(String(y)) : x - Number(y);
    return order === 0 ? a.name.localeCompare(b.name) : sign * order;
  });
}

/** Every service with its golden signals: the overview and the services list. */
export function ServicesTable() {
  const trpc = useTRPC();
  const { slug } = useOrganization();
  const { view, setView, range, carry, refetchInterval } = useViewState();
  const overview = useQuery({
    ...trpc.telemetry.overview.queryOptions({ range }),
    refetchInterval,
    placeholderData: (previous) => previous,
  });

  const filter = view.q.trim().toLowerCase();
  const rows = overview.data
    ? sortServices(
        overview.data.services.filter((s) => s.name.toLowerCase().includes(filter)),
        view.sort,
        view.dir,
      )
    : [];

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <RangePicker />
        <label className="text-sm">
          <span className="block font-medium text-slate-700">Filter services</span>
          <input
            type="search"
            value={view.q}
            onChange={(e) => setView({ q: e.target.value })}
            placeholder="Name contains…"
            className="mt-1 rounded-md border border-slate-300 px-3 py-2 text-sm focus:outline-2 focus:outline-indigo-600"
          />
        </label>
      </div>
      {overview.isPending ? (
        <Loading label="Loading services…" />
      ) : overview.error ? (
        <Alert>{messageOf(overview.error)}</Alert>
      ) : overview.data.services.length === 0 ? (
        <EmptyState title="No telemetry in this time range">
          Numbers appear here once a gateway agent or an OpenTelemetry SDK reports. Check{" "}
          <Link className="font-medium text-indigo-700 hover:underline" href={`/o/${slug}/agents`}>
            the agents
          </Link>{" "}
          or choose a longer range.
        </EmptyState>
      ) : rows.length === 0 ? (
        <EmptyState title="No service matches the filter" />
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
          <table className="min-w-full text-sm" data-testid="services-table">
            <caption className="sr-only">
              Services with request rate, error rate and latency percentiles
            </caption>
            <thead className="bg-slate-50 text-left text-xs uppercase text-slate-500">
              <tr>
                {COLUMNS.map((column) => {
                  const active = view.sort === column.key;
                  return (
                    <th
                      key={column.key}
                      scope="col"
                      className="px-3 py-2"
                      aria-sort={active ? (view.dir === "asc" ? "ascending" : "descending") : "none"}
                    >
                      <button
                        type="button"
                        className="font-semibold uppercase hover:text-slate-800 focus-visible:outline-2 focus-visible:outline-indigo-600"
                        onClick={() =>
                          setView({ sort: column.key, dir: active && view.dir === "asc" ? "desc" : "asc" })
                        }
                      >
                        {column.label}
                        {active ? (view.dir === "asc" ? " ▲" : " ▼") : ""}
                      </button>
                    </th>
                  );
                })}
                <th scope="col" className="px-3 py-2">
                  Trend
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((service) => (
                <tr key={service.name} data-service={service.name}>
                  <th scope="row" className="px-3 py-2 text-left font-medium">
                    <Link
                      className="text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
                      href={`/o/${slug}/services/${encodeURIComponent(service.name)}${carry}`}
                    >
                      {service.name}
                    </Link>
                  </th>
                  <td className="px-3 py-2">
                    <HealthBadge health={service.health} />
                  </td>
                  <td className="px-3 py-2 tabular-nums" data-metric="rate">
                    {formatRate(service.totals.rate)}
                  </td>
                  <td className="px-3 py-2 tabular-nums" data-metric="errorRate">
                    {formatPercent(service.totals.errorRate)}
                  </td>
                  <td className="px-3 py-2 tabular-nums" data-metric="p50">
                    {formatMs(service.totals.p50Ms)}
                  </td>
                  <td className="px-3 py-2 tabular-nums" data-metric="p95">
                    {formatMs(service.totals.p95Ms)}
                  </td>
                  <td className="px-3 py-2 tabular-nums" data-metric="p99">
                    {formatMs(service.totals.p99Ms)}
                  </td>
                  <td className="px-3 py-2">
                    <Sparkline
                      values={service.points.map((p) => p.rate)}
                      color={healthColor[service.health]}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
