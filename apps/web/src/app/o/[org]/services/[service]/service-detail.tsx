"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { RouterOutputs } from "@switchyard/api";
import {
  formatCount,
  formatMs,
  formatPercent,
  formatRate,
  healthColor,
  versionLabel,
} from "@/components/dashboard/format";
import { HealthBadge } from "@/components/dashboard/health-badge";
import { RangePicker } from "@/components/dashboard/range-picker";
import { TimeChart } from "@/components/dashboard/time-chart";
import { TraceList } from "@/components/dashboard/trace-list";
import { useViewState } from "@/components/dashboard/use-view-state";
import { useOrganization } from "@/components/organization-context";
import { Alert, Badge, Card, EmptyState, Loading, PageHeader } from "@/components/ui";
import { messageOf } from "@/trpc/errors";
import { useTRPC } from "@/trpc/react";

type Detail = RouterOutputs["telemetry"]["service"];
type Series = Detail["byRoute"][number];
type Totals = Detail["totals"];

const VERSION_COLORS = ["#4f46e5", "#db2777", "#0891b2", "#65a30d"];

function Signals({ totals }: { totals: Totals }) {
  const items: Array<[string, string, string]> = [
    ["Requests", formatCount(totals.count), "count"],
    ["Rate", formatRate(totals.rate), "rate"],
    ["Errors", formatPercent(totals.errorRate), "errorRate"],
    ["p50", formatMs(totals.p50Ms), "p50"],
    ["p95", formatMs(totals.p95Ms), "p95"],
    ["p99", formatMs(totals.p99Ms), "p99"],
  ];
  return (
    <dl className="grid grid-cols-3 gap-3 sm:grid-cols-6">
      {items.map(([label, value, key]) => (
        <div key={key} className="rounded-md bg-slate-50 px-3 py-2">
          <dt className="text-xs text-slate-500">{label}</dt>
          <dd className="font-semibold tabular-nums" data-metric={key}>
            {value}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function BreakdownTable({
  caption,
  rows,
  selected,
  onSelect,
  label = (key) => key,
}: {
  caption: string;
  rows: Series[];
  selected: string | undefined;
  onSelect: (key: string | undefined) => void;
  label?: (key: string) => string;
}) {
  if (rows.length === 0) return <p className="text-sm text-slate-500">No traffic in this range.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="min-w-full text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="text-left text-xs uppercase text-slate-500">
          <tr>
            <th scope="col" className="py-1 pr-3">
              Name
            </th>
            <th scope="col" className="py-1 pr-3">
              Rate
            </th>
            <th scope="col" className="py-1 pr-3">
              Errors
            </th>
            <th scope="col" className="py-1 pr-3">
              p50
            </th>
            <th scope="col" className="py-1 pr-3">
              p95
            </th>
            <th scope="col" className="py-1 pr-3">
              p99
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((row) => (
            <tr key={row.key}>
              <th scope="row" className="py-1 pr-3 text-left font-medium">
                <button
                  type="button"
                  aria-pressed={selected === row.key}
                  onClick={() => onSelect(selected === row.key ? undefined : row.key)}
                  className="text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
                >
                  {label(row.key)}
                </button>
              </th>
              <td className="py-1 pr-3 tabular-nums">{formatRate(row.totals.rate)}</td>
              <td className="py-1 pr-3 tabular-nums">{formatPercent(row.totals.errorRate)}</td>
              <td className="py-1 pr-3 tabular-nums">{formatMs(row.totals.p50Ms)}</td>
              <td className="py-1 pr-3 tabular-nums">{formatMs(row.totals.p95Ms)}</td>
              <td className="py-1 pr-3 tabular-nums">{formatMs(row.totals.p99Ms)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Stable and canary side by side: one column per version with its own numbers and latency. */
function Versions({ versions }: { versions: Series[] }) {
  if (versions.length === 0) return <p className="text-sm text-slate-500">No traffic in this range.</p>;
  return (
    <div className="grid gap-4 md:grid-cols-2">
      {versions.map((version, i) => (
        <div key={version.key} className="rounded-md border border-slate-200 p-3" data-version={version.key}>
          <p className="mb-2 text-sm font-semibold">
            <span
              className="mr-2 inline-block h-2 w-2 rounded-full"
              style={{ background: VERSION_COLORS[i % VERSION_COLORS.length] }}
              aria-hidden="true"
            />
            {versionLabel(version.key)}
          </p>
          <Signals totals={version.totals} />
          <TimeChart
            data={version.points.map((p) => ({
              time: new Date(p.time).getTime(),
              p99: p.p99Ms,
              rate: p.rate,
            }))}
            series={[{ key: "rate", label: "Rate", color: VERSION_COLORS[i % VERSION_COLORS.length]! }]}
            format={formatRate}
            summary={`Request rate of version ${versionLabel(version.key)} over the range`}
          />
        </div>
      ))}
    </div>
  );
}

function Targets({ targets }: { targets: Detail["targets"] }) {
  if (targets.length === 0) {
    return <p className="text-sm text-slate-500">No agent reports targets for this service.</p>;
  }
  return (
    <div className="overflow-x-auto">
      <table className="min-w-full text-sm">
        <caption className="sr-only">
          Targets with health and circuit breaker state as each agent reports them
        </caption>
        <thead className="text-left text-xs uppercase text-slate-500">
          <tr>
            {["Target", "Version", "Weight", "Health", "Breaker", "Agent"].map((h) => (
              <th key={h} scope="col" className="py-1 pr-3">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {targets.map((t) => (
            <tr key={`${t.agentId}-${t.targetId}`}>
              <th scope="row" className="py-1 pr-3 text-left font-mono text-xs">
                {t.url}
              </th>
              <td className="py-1 pr-3">{t.version}</td>
              <td className="py-1 pr-3 tabular-nums">{t.weight}</td>
              <td className="py-1 pr-3">
                {t.ejected ? (
                  <Badge tone="red">ejected</Badge>
                ) : t.healthy ? (
                  <Badge tone="green">healthy</Badge>
                ) : (
                  <Badge tone="red">unhealthy</Badge>
                )}
              </td>
              <td className="py-1 pr-3">
                <Badge
                  tone={t.breaker.state === "closed" ? "green" : t.breaker.state === "open" ? "red" : "amber"}
                >
                  {t.breaker.state}
                </Badge>
                {t.breaker.lastFailureReason && (
                  <span className="ml-2 text-xs text-slate-500">last: {t.breaker.lastFailureReason}</span>
                )}
              </td>
              <td className="py-1 pr-3 text-xs text-slate-600">
                {t.agentName} ({t.agentStatus.toLowerCase()})
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ServiceDetailView({ service }: { service: string }) {
  const trpc = useTRPC();
  const { slug } = useOrganization();
  const { view, setView, range, carry, refetchInterval } = useViewState();
  const detail = useQuery({
    ...trpc.telemetry.service.queryOptions({ range, service, route: view.route, version: view.version }),
    refetchInterval,
    placeholderData: (previous) => previous,
  });

  const points =
    detail.data?.points.map((p) => ({
      time: new Date(p.time).getTime(),
      rate: p.rate,
      errorRate: p.errorRate,
      p50: p.p50Ms,
      p95: p.p95Ms,
      p99: p.p99Ms,
    })) ?? [];
  const filterText = [
    view.route && `route ${view.route}`,
    view.version !== undefined && `version ${versionLabel(view.version)}`,
  ]
    .filter(Boolean)
    .join(", ");

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link className="text-indigo-700 hover:underline" href={`/o/${slug}/services${carry}`}>
          Services
        </Link>{" "}
        / <span aria-current="page">{service}</span>
      </nav>
      <PageHeader
        title={service}
        description="Golden signals, routes, versions, targets and recent traces."
      />
      <div className="space-y-6">
        <RangePicker />
        {detail.isPending ? (
          <Loading label="Loading the service…" />
        ) : detail.error ? (
          <Alert>{messageOf(detail.error)}</Alert>
        ) : detail.data.byRoute.length === 0 && detail.data.totals.count === 0 ? (
          <EmptyState title="No telemetry for this service in this time range">
            Choose a longer range, or check that its gateway reports.
          </EmptyState>
        ) : (
          <>
            <Card
              title={filterText ? `Signals for ${filterText}` : "Signals"}
              actions={
                <div className="flex items-center gap-2">
                  <HealthBadge health={detail.data.health} />
                  {filterText && (
                    <button
                      type="button"
                      className="text-sm text-indigo-700 hover:underline"
                      onClick={() => setView({ route: undefined, version: undefined })}
                    >
                      Clear filter
                    </button>
                  )}
                </div>
              }
            >
              <Signals totals={detail.data.totals} />
              <div className="mt-4 grid gap-4 lg:grid-cols-3">
                <TimeChart
                  data={points}
                  series={[{ key: "rate", label: "Requests/s", color: "#4f46e5" }]}
                  format={formatRate}
                  summary="Request rate over the range"
                />
                <TimeChart
                  data={points}
                  series={[{ key: "errorRate", label: "Error rate", color: "#dc2626" }]}
                  format={formatPercent}
                  summary="Error rate over the range"
                />
                <TimeChart
                  data={points}
                  series={[
                    { key: "p50", label: "p50", color: healthColor.healthy },
                    { key: "p95", label: "p95", color: healthColor.degraded },
                    { key: "p99", label: "p99", color: healthColor.critical },
                  ]}
                  format={(v) => formatMs(v)}
                  summary="Latency percentiles over the range"
                />
              </div>
            </Card>
            <Card title="By version">
              <Versions versions={detail.data.byVersion} />
              {detail.data.byVersion.length > 1 && (
                <p className="mt-2 text-xs text-slate-500">
                  Pick a version below to filter the signals above.
                </p>
              )}
              <div className="mt-3">
                <BreakdownTable
                  caption="Versions"
                  rows={detail.data.byVersion}
                  selected={view.version}
                  onSelect={(version) => setView({ version })}
                  label={versionLabel}
                />
              </div>
            </Card>
            <Card title="By route">
              <BreakdownTable
                caption="Routes"
                rows={detail.data.byRoute}
                selected={view.route}
                onSelect={(route) => setView({ route })}
              />
            </Card>
            <Card title="Targets">
              <Targets targets={detail.data.targets} />
            </Card>
            <div className="grid gap-6 lg:grid-cols-2">
              <Card title="Recent errors">
                <TraceList
                  traces={detail.data.recentErrors}
                  slug={slug}
                  empty="No failed requests in this range."
                />
              </Card>
              <Card title="Recent slow requests (over 500 ms)">
                <TraceList
                  traces={detail.data.recentSlow}
                  slug={slug}
                  empty="No slow requests in this range."
                />
              </Card>
            </div>
          </>
        )}
      </div>
    </>
  );
}
