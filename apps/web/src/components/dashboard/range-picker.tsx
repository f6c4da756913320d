"use client";

import { useState } from "react";
import { timeRangePresets } from "@switchyard/contracts";
import { Button } from "@/components/ui";
import { useViewState } from "./use-view-state";

const PRESET_LABELS: Record<(typeof timeRangePresets)[number], string> = {
  "15m": "Last 15 minutes",
  "1h": "Last hour",
  "6h": "Last 6 hours",
  "24h": "Last 24 hours",
  "7d": "Last 7 days",
};

/** `datetime-local` works in local time without a zone; the URL keeps ISO instants. */
function toLocalInput(iso: string | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

export function RangePicker() {
  const { view, setView } = useViewState();
  const [from, setFrom] = useState(() => toLocalInput(view.from));
  const [to, setTo] = useState(() => toLocalInput(view.to));
  const [error, setError] = useState<string | null>(null);

  function applyCustom() {
    const fromDate = new Date(from);
    const toDate = new Date(to);
    if (Number.isNaN(fromDate.getTime()) || Number.isNaN(toDate.getTime())) {
      setError("Enter both a start and an end.");
      return;
    }
    if (toDate <= fromDate) {
      setError("End must be after start.");
      return;
    }
    setError(null);
    setView({ range: "custom", from: fromDate.toISOString(), to: toDate.toISOString() });
  }

  return (
    <div role="group" className="flex flex-wrap items-end gap-3" aria-label="Time range and refresh">
      <div className="text-sm">
        <label htmlFor="range" className="block font-medium text-slate-700">
          Time range
        </label>
        <select
          id="range"
          value={view.range}
          onChange={(e) => {
            const value = e.target.value as typeof view.range;
            if (value !== "custom") setView({ range: value, from: undefined, to: undefined });
            else setView({ range: "custom" });
          }}
          className="mt-1 block rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:outline-2 focus:outline-indigo-600"
        >
          {timeRangePresets.map((preset) => (
            <option key={preset} value={preset}>
              {PRESET_LABELS[preset]}
            </option>
          ))}
          <option value="custom">Custom…</option>
        </select>
      </div>
      {view.range === "custom" && (
        <form
          className="flex flex-wrap items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            applyCustom();
          }}
        >
          <label className="text-sm">
            <span className="block font-medium text-slate-700">From</span>
            <input
              type="datetime-local"
              value={from}
              onChange={(e) => setFrom(e.target.value)}
              className="mt-1 rounded-md border border-slate-300 px-2 py-2 text-sm focus:outline-2 focus:outline-indigo-600"
            />
          </label>
          <label className="text-sm">
            <span className="block font-medium text-slate-700">To</span>
            <input
              type="datetime-local"
              value={to}
              onChange={(e) => setTo(e.target.value)}
              className="mt-1 rounded-md border border-slate-300 px-2 py-2 text-sm focus:outline-2 focus:outline-indigo-600"
            />
          </label>
          <Button type="submit" variant="secondary">
            Apply
          </Button>
          {error && (
            <p role="alert" className="w-full text-xs text-red-700">
              {error}
            </p>
          )}
        </form>
      )}
      <Button
        type="button"
        variant="secondary"
        aria-pressed={view.refresh}
        onClick={() => setView({ refresh: !view.refresh })}
      >
        {view.refresh ? "Pause auto-refresh" : "Resume auto-refresh (10 s)"}
      </Button>
    </div>
  );
}
