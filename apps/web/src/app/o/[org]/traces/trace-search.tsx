"use client";

import { useQuery } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { traceSearchInput } from "@switchyard/contracts";
import { RangePicker } from "@/components/dashboard/range-picker";
import { TraceList } from "@/components/dashboard/trace-list";
import { useViewState } from "@/components/dashboard/use-view-state";
import { useOrganization } from "@/components/organization-context";
import { Alert, Button, Card, Field, Loading } from "@/components/ui";
import { messageOf } from "@/trpc/errors";
import { useTRPC } from "@/trpc/react";

// The newest matches a search lists.
const TRACES_SHOWN = 50;

/** Search filters live in the URL next to the range, so a search can be shared like any other view. */
export function TraceSearch() {
  const trpc = useTRPC();
  const { slug } = useOrganization();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const { range, refetchInterval } = useViewState();
  const applied = {
    service: params.get("service") ?? "",
    route: params.get("route") ?? "",
    status: params.get("status") ?? "",
    minMs: params.get("minMs") ?? "",
  };
  const [form, setForm] = useState(applied);
  const input = traceSearchInput.safeParse({
    range,
    service: applied.service || undefined,
    route: applied.route || undefined,
    status: applied.status || undefined,
    minDurationMs: applied.minMs ? Number(applied.minMs) : undefined,
    limit: TRACES_SHOWN,
  });
  const traces = useQuery({
    ...trpc.telemetry.searchTraces.queryOptions(input.success ? input.data : { range, limit: TRACES_SHOWN }),
    enabled: input.success,
    refetchInterval,
    placeholderData: (previous) => previous,
  });
  const minError =
    form.minMs && !(Number(form.minMs) >= 0) ? "Use a number of milliseconds, 0 or more" : undefined;

  return (
    <div className="space-y-4">
      <RangePicker />
      <Card title="Search">
        <form
          className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5 lg:items-end"
          onSubmit={(e) => {
            e.preventDefault();
            if (minError) return;
            const next = new URLSearchParams(params.toString());
            for (const [key, value] of Object.entries(form)) {
              if (value.trim()) next.set(key, value.trim());
              else next.delete(key);
            }
            router.replace(`${pathname}?${next.toString()}`, { scroll: false });
          }}
        >
          <Field
            label="Service"
            name="service"
            value={form.service}
            onChange={(e) => setForm({ ...form, service: e.target.value })}
          />
          <Field
            label="Route"
            name="route"
            value={form.route}
            onChange={(e) => setForm({ ...form, route: e.target.value })}
          />
          <div className="text-sm">
            <label htmlFor="trace-status" className="block font-medium text-slate-700">
              Status
            </label>
            <select
              id="trace-status"
              value={form.status}
              onChange={(e) => setForm({ ...form, status: e.target.value })}
              className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:outline-2 focus:outline-indigo-600"
            >
              <option value="">Any</option>
              <option value="error">Errors</option>
              <option value="ok">Successes</option>
            </select>
          </div>
          <Field
            label="Min duration (ms)"
            name="minMs"
            inputMode="numeric"
            value={form.minMs}
            error={minError}
            onChange={(e) => setForm({ ...form, minMs: e.target.value })}
          />
          <Button type="submit">Search</Button>
        </form>
      </Card>
      {!input.success ? (
        <Alert>The search in this link is not valid; change a filter and search again.</Alert>
      ) : traces.isPending ? (
        <Loading label="Searching traces…" />
      ) : traces.error ? (
        <Alert>{messageOf(traces.error)}</Alert>
      ) : (
        <Card title={tracesTitle(traces.data.length)}>
          {traces.data.length > 0 && (
            <p className="mb-2 text-xs text-slate-500">
              Newest first, at most {TRACES_SHOWN} per search; narrow the range or a filter to reach older
              ones.
            </p>
          )}
          <TraceList
            traces={traces.data}
            slug={slug}
            empty="No trace matches. Widen the time range or loosen a filter."
          />
        </Card>
      )}
    </div>
  );
}

/**
 * A search lists the newest matches only, so the count is "latest N", never the number of traces in the
 * range (an hour of demo traffic holds thousands).
 */
function tracesTitle(count: number): string {
  if (count === 0) return "Traces";
  return `Latest ${count} trace${count === 1 ? "" : "s"}`;
}
