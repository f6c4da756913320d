"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { formatMs } from "@/components/dashboard/format";
import { buildWaterfall } from "@/components/dashboard/waterfall";
import { useOrganization } from "@/components/organization-context";
import { Alert, Card, Loading, PageHeader, cx } from "@/components/ui";
import { messageOf } from "@/trpc/errors";
import { useTRPC } from "@/trpc/react";

const SPEED_BAR = { fast: "bg-emerald-500", medium: "bg-amber-400", slow: "bg-red-500" } as const;
const SPEED_TEXT = { fast: "under 100 ms", medium: "100 to 500 ms", slow: "over 500 ms" } as const;

export function TraceView({ traceId }: { traceId: string }) {
  const trpc = useTRPC();
  const { slug } = useOrganization();
  const trace = useQuery({ ...trpc.telemetry.trace.queryOptions({ traceId }), retry: false });
  const [selected, setSelected] = useState<string | null>(null);

  const waterfall = trace.data ? buildWaterfall(trace.data) : null;
  const selectedRow = waterfall?.rows.find((r) => r.span.spanId === selected);

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link className="text-indigo-700 hover:underline" href={`/o/${slug}/traces`}>
          Traces
        </Link>{" "}
        /{" "}
        <span aria-current="page" className="font-mono">
          {traceId}
        </span>
      </nav>
      <PageHeader
        title="Trace"
        description="Spans nested under their callers. Green under 100 ms, yellow 100 to 500 ms, red over 500 ms; the slowest path is outlined."
      />
      {trace.isPending ? (
        <Loading label="Loading the trace…" />
      ) : trace.error ? (
        <Alert>{messageOf(trace.error)}</Alert>
      ) : (
        waterfall && (
          <div className="space-y-4">
            <Card title={`${waterfall.rows.length} spans · ${formatMs(waterfall.totalMs)}`}>
              <ol className="space-y-1" data-testid="waterfall" aria-label="Spans in start order">
                {waterfall.rows.map((row) => (
                  <li key={row.span.spanId}>
                    <button
                      type="button"
                      aria-expanded={selected === row.span.spanId}
                      aria-controls="span-attributes"
                      onClick={() => setSelected(selected === row.span.spanId ? null : row.span.spanId)}
                      className={cx(
                        "grid w-full grid-cols-1 items-center gap-1 rounded px-1 py-1 text-left text-xs sm:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]",
                        "hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-indigo-600",
                        selected === row.span.spanId && "bg-indigo-50",
                      )}
                      data-span={row.span.service}
                      data-critical={row.critical ? "true" : undefined}
                    >
                      <span className="truncate" style={{ paddingLeft: `${row.depth * 14}px` }}>
                        <span className="font-semibold">{row.span.service}</span>{" "}
                        <span className="text-slate-600">{row.span.name}</span>
                        {row.critical && <span className="sr-only"> (on the slowest path)</span>}
                      </span>
                      <span className="relative block h-5 rounded bg-slate-100">
                        <span
                          className={cx(
                            "absolute top-0.5 bottom-0.5 rounded-sm",
                            SPEED_BAR[row.speed],
                            row.critical && "ring-2 ring-slate-900",
                          )}
                          style={{ left: `${row.offsetPct}%`, width: `${row.widthPct}%` }}
                          title={`${formatMs(row.durationMs)}, ${SPEED_TEXT[row.speed]}`}
                        />
                        <span className="absolute right-1 top-0.5 tabular-nums text-slate-700">
                          {formatMs(row.durationMs)}
                        </span>
                      </span>
                    </button>
                  </li>
                ))}
              </ol>
            </Card>
            <div id="span-attributes" aria-live="polite">
              {selectedRow && (
                <Card title={`${selectedRow.span.service} · ${selectedRow.span.name}`}>
                  <dl className="grid grid-cols-1 gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
                    {Object.entries({
                      "span id": selectedRow.span.spanId,
                      duration: formatMs(selectedRow.durationMs),
                      start: new Date(selectedRow.span.startUs / 1000).toISOString(),
                      route: selectedRow.span.route ?? "–",
                      version: selectedRow.span.version ?? "–",
                      "http status": selectedRow.span.httpStatusCode?.toString() ?? "–",
                      ...Object.fromEntries(
                        Object.entries(selectedRow.span.attributes).map(([k, v]) => [k, String(v)]),
                      ),
                    }).map(([key, value]) => (
                      <div key={key} className="contents">
                        <dt className="font-medium text-slate-600">{key}</dt>
                        <dd className="break-all font-mono text-xs leading-5">{value}</dd>
                      </div>
                    ))}
                  </dl>
                </Card>
              )}
            </div>
          </div>
        )
      )}
    </>
  );
}
