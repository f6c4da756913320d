"use client";

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface ChartSeries {
  key: string;
  label: string;
  color: string;
}

function timeLabel(ms: number): string {
  const date = new Date(ms);
  return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/** A line chart over time; `summary` says in words what the chart shows, for screen readers. */
export function TimeChart({
  data,
  series,
  format,
  summary,
}: {
  data: Array<Record<string, number | null> & { time: number }>;
  series: ChartSeries[];
  format: (value: number) => string;
  summary: string;
}) {
  return (
    <figure className="h-48 w-full">
      <figcaption className="sr-only">{summary}</figcaption>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="#e2e8f0" vertical={false} />
          <XAxis
            dataKey="time"
            type="number"
            domain={["dataMin", "dataMax"]}
            tickFormatter={timeLabel}
            fontSize={11}
          />
          <YAxis
            // An all-zero series would otherwise get an arbitrary 0-4 scale (400% errors).
            domain={[0, (dataMax: number) => (dataMax > 0 ? dataMax : 1)]}
            // A no-break space keeps "84.8 ms" on one line: the axis wraps tick text at spaces.
            tickFormatter={(v: number) => format(v).replaceAll(" ", "\u00a0")}
            fontSize={11}
            width={64}
          />
          <Tooltip
            labelFormatter={(v) => new Date(Number(v)).toLocaleString()}
            formatter={(v) => format(Number(v))}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {series.map((s) => (
            <Line
              key={s.key}
              type="monotone"
              dataKey={s.key}
              name={s.label}
              stroke={s.color}
              strokeWidth={1.75}
              // Dots keep a lone point (one busy step in a quiet range) visible.
              dot={{ r: 1.5 }}
              // Steps without traffic have no percentile; joining across them keeps sparse series visible.
              connectNulls
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
