"use client";

import "@xyflow/react/dist/style.css";
import { useQuery } from "@tanstack/react-query";
import { Background, Controls, MarkerType, ReactFlow, type Edge, type Node } from "@xyflow/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo } from "react";
import type { RouterOutputs } from "@switchyard/api";
import { formatMs, formatPercent, formatRate, healthColor, healthLabel } from "@/components/dashboard/format";
import { RangePicker } from "@/components/dashboard/range-picker";
import { useViewState } from "@/components/dashboard/use-view-state";
import { useOrganization } from "@/components/organization-context";
import { Alert, EmptyState, Loading } from "@/components/ui";
import { messageOf } from "@/trpc/errors";
import { useTRPC } from "@/trpc/react";
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH } from "./layout-graph";

type ServiceMap = RouterOutputs["telemetry"]["serviceMap"];
type MapEdge = ServiceMap["edges"][number];

function edgeLabel(edge: MapEdge): string {
  const main = `${formatRate(edge.rate)} · ${formatPercent(edge.errorRate)} err · p99 ${formatMs(edge.p99Ms)}`;
  if (edge.versions.length === 0) return main;
  // A canary: both versions' numbers on the split edge.
  return edge.versions
    .map(
      (v) =>
        `${v.version}: ${formatRate(v.totals.rate)} · ${formatPercent(v.totals.errorRate)} · p99 ${formatMs(v.totals.p99Ms)}`,
    )
    .join("\n");
}

function toFlow(map: ServiceMap): { nodes: Node[]; edges: Edge[] } {
  const positions = layoutGraph(
    map.nodes.map((n) => n.id),
    map.edges.map((e) => ({ source: e.client, target: e.server })),
  );
  const nodes: Node[] = map.nodes.map((node) => ({
    id: node.id,
    position: positions.get(node.id) ?? { x: 0, y: 0 },
    data: {
      label: (
        <span className="block text-left">
          <span className="block truncate font-semibold">
            {node.kind === "gateway" ? "⇄ " : ""}
            {node.label}
          </span>
          <span className="block text-xs text-slate-600">
            {healthLabel[node.health]}
            {node.totals ? ` · ${formatRate(node.totals.rate)}` : ""}
          </span>
        </span>
      ),
    },
    ariaLabel: `${node.kind === "gateway" ? "Gateway" : "Service"} ${node.label}, ${healthLabel[node.health]}`,
    style: {
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
      border: `2px solid ${healthColor[node.health]}`,
      borderRadius: node.kind === "gateway" ? 24 : 8,
      background: "white",
    },
  }));
  const edges: Edge[] = map.edges.flatMap((edge): Edge[] => {
    const base = {
      source: edge.client,
      target: edge.server,
      markerEnd: { type: MarkerType.ArrowClosed },
      labelBgPadding: [4, 2] as [number, number],
      labelStyle: { fontSize: 11, whiteSpace: "pre" as const },
    };
    if (edge.versions.length === 0) {
      return [
        { ...base, id: `${edge.client}->${edge.server}`, label: edgeLabel(edge), style: { strokeWidth: 2 } },
      ];
    }
    // Split edge: one line per version, offset so both stay visible.
    return edge.versions.map((v, i) => ({
      ...base,
      id: `${edge.client}->${edge.server}@${v.version}`,
      type: i === 0 ? "default" : "smoothstep",
      label: `${v.version}: ${formatRate(v.totals.rate)} · ${formatPercent(v.totals.errorRate)} · p99 ${formatMs(v.totals.p99Ms)}`,
      style: { strokeWidth: 2, strokeDasharray: i === 0 ? undefined : "6 3" },
    }));
  });
  return { nodes, edges };
}

export function ServiceMapView() {
  const trpc = useTRPC();
  const router = useRouter();
  const { slug } = useOrganization();
  const { range, carry, refetchInterval } = useViewState();
  const map = useQuery({
    ...trpc.telemetry.serviceMap.queryOptions({ range }),
    refetchInterval,
    placeholderData: (previous) => previous,
  });
  const flow = useMemo(() => (map.data ? toFlow(map.data) : null), [map.data]);
  const nodesById = useMemo(() => new Map(map.data?.nodes.map((node) => [node.id, node])), [map.data]);
  // A gateway instance is an agent, not a service: it opens the Agents page.
  const nodeHref = (id: string) =>
    id !== nodesById.get(id)?.label
      ? `/o/${slug}/agents`
      : `/o/${slug}/services/${encodeURIComponent(id)}${carry}`;
  const nodeLabel = (id: string) => nodesById.get(id)?.label ?? id;

  return (
    <div className="space-y-4">
      <RangePicker />
      {map.isPending ? (
        <Loading label="Loading the map…" />
      ) : map.error ? (
        <Alert>{messageOf(map.error)}</Alert>
      ) : map.data.nodes.length === 0 || !flow ? (
        <EmptyState title="No traffic to map in this time range">
          The map is drawn from traces. It fills in once gateways or instrumented services send spans.
        </EmptyState>
      ) : (
        <>
          <div
            className="h-[60vh] min-h-80 rounded-lg border border-slate-200 bg-white"
            data-testid="service-map"
          >
            <ReactFlow
              nodes={flow.nodes}
              edges={flow.edges}
              fitView
              nodesDraggable={false}
              nodesConnectable={false}
              onNodeClick={(_, node) => router.push(nodeHref(node.id))}
              proOptions={{ hideAttribution: true }}
            >
              <Background />
              <Controls showInteractive={false} />
            </ReactFlow>
          </div>
          {/* The same graph as a list: reachable by keyboard and screen readers, and readable on a phone. */}
          <section
            aria-labelledby="edges-heading"
            className="rounded-lg border border-slate-200 bg-white p-4"
          >
            <h2 id="edges-heading" className="mb-2 text-sm font-semibold text-slate-800">
              Calls
            </h2>
            {map.data.edges.length === 0 ? (
              <p className="text-sm text-slate-500">
                No calls between services in this range yet: edges come from traces whose spans cross
                services.
              </p>
            ) : (
              <ul className="space-y-1 text-sm" data-testid="map-edges">
                {map.data.edges.map((edge) => (
                  <li key={`${edge.client}->${edge.server}`} data-edge={`${edge.client}->${edge.server}`}>
                    <Link className="text-indigo-700 hover:underline" href={nodeHref(edge.client)}>
                      {nodeLabel(edge.client)}
                    </Link>{" "}
                    →{" "}
                    <Link className="text-indigo-700 hover:underline" href={nodeHref(edge.server)}>
                      {nodeLabel(edge.server)}
                    </Link>
                    <span className="ml-2 whitespace-pre-line text-slate-600">{edgeLabel(edge)}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </div>
  );
}
