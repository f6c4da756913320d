"use client";

import type { RouterOutputs } from "@switchyard/api";
import { Badge } from "@/components/ui";

type Run = RouterOutputs["rollout"]["overview"]["runs"][number];
type RolloutEvent = Run["events"][number];
type Numbers = NonNullable<RolloutEvent["numbers"]>;

const KIND_LABEL: Record<RolloutEvent["kind"], string> = {
  started: "Started",
  advanced: "Advanced",
  waiting: "Waiting",
  paused: "Paused",
  resumed: "Resumed",
  promoted: "Promoted",
  rolled_back: "Rolled back",
  aborted: "Aborted",
  completed: "Completed",
};

const KIND_TONE: Record<RolloutEvent["kind"], "green" | "gray" | "red" | "amber"> = {
  started: "gray",
  advanced: "green",
  waiting: "amber",
  paused: "amber",
  resumed: "gray",
  promoted: "green",
  rolled_back: "red",
  aborted: "red",
  completed: "green",
};

export const STATUS_LABEL: Record<Run["status"], string> = {
  running: "Running",
  paused: "Paused",
  completed: "Completed",
  rolled_back: "Rolled back",
  aborted: "Aborted",
};

export const STATUS_TONE: Record<Run["status"], "green" | "gray" | "red" | "amber"> = {
  running: "green",
  paused: "amber",
  completed: "green",
  rolled_back: "red",
  aborted: "gray",
};

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;
const ms = (value: number | null) =>
  value === null ? "–" : `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;

/** Canary against stable over a step's window: what a decision stood on. */
export function StepNumbersTable({ numbers }: { numbers: Numbers }) {
  const rows = [
    ["Canary", numbers.canary],
    ["Stable", numbers.stable],
  ] as const;
  return (
    <table className="mt-1 text-xs text-slate-700" aria-label="Canary and stable numbers">
      <thead className="text-slate-500">
        <tr>
          <th className="pr-3 text-left font-medium">After {Math.floor(numbers.elapsedSeconds)} s</th>
          <th className="pr-3 text-right font-medium">Requests</th>
          <th className="pr-3 text-right font-medium">Errors</th>
          <th className="pr-3 text-right font-medium">Error rate</th>
          <th className="text-right font-medium">p99</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([label, side]) => (
          <tr key={label}>
            <td className="pr-3">
              {label} {side.version}
            </td>
            <td className="pr-3 text-right tabular-nums">{side.requests}</td>
            <td className="pr-3 text-right tabular-nums">{side.errors}</td>
            <td className="pr-3 text-right tabular-nums">{percent(side.errorRate)}</td>
            <td className="text-right tabular-nums">{ms(side.p99Ms)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A run's decisions, oldest first, each with the numbers behind it and the revision it made. */
export function RolloutTimeline({ run }: { run: Run }) {
  return (
    <ol className="divide-y divide-slate-100" aria-label="Rollout timeline">
      {run.events.map((event) => (
        <li key={event.id} className="py-2 text-sm" data-testid={`rollout-event-${event.kind}`}>
          <div className="flex flex-wrap items-center gap-2">
            <Badge tone={KIND_TONE[event.kind]}>{KIND_LABEL[event.kind]}</Badge>
            <span className="font-medium tabular-nums">{event.percent}%</span>
            <span className="text-xs text-slate-500">
              step {event.stepIndex + 1} · {event.actorLabel} · {event.createdAt.toLocaleTimeString()}
              {event.revisionNumber !== null && ` · revision #${event.revisionNumber}`}
            </span>
          </div>
          <p className="mt-1 text-slate-700">{event.reason}</p>
          {event.numbers && <StepNumbersTable numbers={event.numbers} />}
        </li>
      ))}
    </ol>
  );
}
