import { formatMs, formatPercent, formatRate, versionLabel } from "./format";

/** The numbers of an edge as the map needs them (the API's `MapEdge`, without what the label ignores). */
export interface EdgeNumbers {
  count: number;
  rate: number;
  errorRate: number;
  p99Ms: number | null;
  versions: Array<{
    version: string;
    totals: { count: number; rate: number; errorRate: number; p99Ms: number | null };
  }>;
}

/** Share of the edge's calls as a whole percent; a share that is not zero never reads "0%". */
export function formatShare(part: number, whole: number): string {
  if (part === 0 || whole === 0) return "0%";
  const percent = (part / whole) * 100;
  if (percent < 1) return "<1%";
  if (percent > 99 && part < whole) return ">99%";
  return `${Math.round(percent)}%`;
}

/**
 * What is written on the edge itself: the rate, the error rate when there are errors, and for a split
 * edge each version's share of the calls. Short, so labels stay legible at the map's scale; the rest is in
 * `edgeDetails`.
 */
export function edgeSummary(edge: EdgeNumbers): string[] {
  const lines = [
    edge.errorRate > 0
      ? `${formatRate(edge.rate)} · ${formatPercent(edge.errorRate)} err`
      : formatRate(edge.rate),
  ];
  if (edge.versions.length > 0) {
    lines.push(
      edge.versions
        .map((v) => `${versionLabel(v.version)} ${formatShare(v.totals.count, edge.count)}`)
        .join(" · "),
    );
  }
  return lines;
}

/** Every number of the edge, one line per version on a split edge: the tooltip and the Calls list. */
export function edgeDetails(edge: EdgeNumbers): string[] {
  const numbers = (t: { rate: number; errorRate: number; p99Ms: number | null }) =>
    `${formatRate(t.rate)} · ${formatPercent(t.errorRate)} err · p99 ${formatMs(t.p99Ms)}`;
  return [
    numbers(edge),
    ...edge.versions.map(
      (v) => `${versionLabel(v.version)} (${formatShare(v.totals.count, edge.count)}): ${numbers(v.totals)}`,
    ),
  ];
}

/** Label text at 11 px in the map's sans-serif, measured generously so the box dagre keeps is never short. */
const CHAR_WIDTH_PX = 6.8;
const LINE_HEIGHT_PX = 15;
const LABEL_PADDING_PX = 8;

/** The box a label of these lines takes on the map. */
export function labelSize(lines: readonly string[]): { width: number; height: number } {
  const longest = Math.max(0, ...lines.map((line) => line.length));
  return {
    width: Math.ceil(longest * CHAR_WIDTH_PX) + 2 * LABEL_PADDING_PX,
    height: lines.length * LINE_HEIGHT_PX + LABEL_PADDING_PX,
  };
}
