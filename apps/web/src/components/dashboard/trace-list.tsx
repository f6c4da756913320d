import Link from "next/link";
import type { RouterOutputs } from "@switchyard/api";
import { spanSpeed } from "@switchyard/contracts";
import { Badge } from "@/components/ui";
import { formatMs } from "./format";

type TraceSummary = RouterOutputs["telemetry"]["searchTraces"][number];

const SPEED_TONE = { fast: "green", medium: "amber", slow: "red" } as const;

export function TraceList({ traces, slug, empty }: { traces: TraceSummary[]; slug: string; empty: string }) {
  if (traces.length === 0) return <p className="text-sm text-slate-500">{empty}</p>;
  return (
    <ul className="divide-y divide-slate-100 text-sm" data-testid="trace-list">
      {traces.map((trace) => (
        <li key={trace.traceId} className="flex flex-wrap items-center gap-2 py-2">
          <Link
            className="font-mono text-xs text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
            href={`/o/${slug}/traces/${trace.traceId}`}
            aria-label={`Trace ${trace.traceId.slice(0, 8)}: ${trace.service} ${trace.name}`}
          >
            {trace.traceId.slice(0, 12)}…
          </Link>
          <span className="font-medium">{trace.service}</span>
          <span className="text-slate-600">{trace.route ?? trace.name}</span>
          <Badge tone={SPEED_TONE[spanSpeed(trace.durationMs)]}>{formatMs(trace.durationMs)}</Badge>
          {trace.error && <Badge tone="red">error</Badge>}
          <time className="ml-auto text-xs text-slate-500" dateTime={new Date(trace.start).toISOString()}>
            {new Date(trace.start).toLocaleString()}
          </time>
        </li>
      ))}
    </ul>
  );
}
