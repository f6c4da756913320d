import { spanSpeed } from "@switchyard/contracts";

export interface WaterfallSpanInput {
  spanId: string;
  parentSpanId: string | null;
  service: string;
  name: string;
  startUs: number;
  durationUs: number;
}

export interface WaterfallRow<S extends WaterfallSpanInput> {
  span: S;
  depth: number;
  /** Offset and width as percentages of the whole trace. */
  offsetPct: number;
  widthPct: number;
  durationMs: number;
  speed: "fast" | "medium" | "slow";
  /** On the slowest path: from the root, always the child that finishes last. */
  critical: boolean;
}

/**
 * Orders spans depth-first under their parents (siblings by start time) and measures each against the
 * whole trace. A span whose parent is missing (not sampled or not yet arrived) is shown as a root.
 */
export function buildWaterfall<S extends WaterfallSpanInput>(
  spans: readonly S[],
): {
  rows: WaterfallRow<S>[];
  totalMs: number;
} {
  if (spans.length === 0) return { rows: [], totalMs: 0 };
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | null, S[]>();
  for (const span of spans) {
    const parent = span.parentSpanId && ids.has(span.parentSpanId) ? span.parentSpanId : null;
    let list = children.get(parent);
    if (!list) children.set(parent, (list = []));
    list.push(span);
  }
  for (const list of children.values())
    list.sort((a, b) => a.startUs - b.startUs || a.spanId.localeCompare(b.spanId));

  const start = Math.min(...spans.map((s) => s.startUs));
  const end = Math.max(...spans.map((s) => s.startUs + s.durationUs));
  const total = Math.max(1, end - start);

  const critical = new Set<string>();
  const endOf = (s: S) => s.startUs + s.durationUs;
  const latest = (list: S[]) => list.reduce((a, b) => (endOf(b) > endOf(a) ? b : a));
  let current: S | undefined = latest(children.get(null)!);
  while (current) {
    critical.add(current.spanId);
    const next = children.get(current.spanId);
    current = next ? latest(next) : undefined;
  }

  const rows: WaterfallRow<S>[] = [];
  const visit = (span: S, depth: number) => {
    rows.push({
      span,
      depth,
      offsetPct: ((span.startUs - start) / total) * 100,
      widthPct: Math.max(0.5, (span.durationUs / total) * 100),
      durationMs: span.durationUs / 1000,
      speed: spanSpeed(span.durationUs / 1000),
      critical: critical.has(span.spanId),
    });
    for (const child of children.get(span.spanId) ?? []) visit(child, depth + 1);
  };
  for (const root of children.get(null)!) visit(root, 0);
  return { rows, totalMs: total / 1000 };
}
