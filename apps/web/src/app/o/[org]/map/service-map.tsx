"use client";

import "@xyflow/react/dist/style.css";
import { useQuery } from "@tanstack/react-query";
import {
  Background,
  BaseEdge,
  Controls,
  EdgeLabelRenderer,
  MarkerType,
  Position,
  ReactFlow,
  type Edge,
  type EdgeProps,
  type Node,
  useReactFlow,
} from "@xyflow/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useMemo } from "react";
import type { RouterOutputs } from "@switchyard/api";
import { formatRate, healthColor, healthLabel } from "@/components/dashboard/format";
import { RangePicker } from "@/components/dashboard/range-picker";
import { useViewState } from "@/components/dashboard/use-view-state";
import { useOrganization } from "@/components/organization-context";
import { Alert, EmptyState, Loading } from "@/components/ui";
import { messageOf } from "@/trpc/errors";
import { useTRPC } from "@/trpc/react";
import { edgeDetails, edgeSummary, labelSize } from "@/components/dashboard/edge-label";
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH, smoothPath, type Point } from "./layout-graph";

type ServiceMap = RouterOutputs["telemetry"]["serviceMap"];

type RoutedEdge = Edge<{ bends: Point[]; label: Point; lines: string[]; details: string[] }, "routed">;

/**
 * An edge along the route the layout gave it, from the caller's right side to the server's left side,
 * with its short label in the place the layout kept free for it; the label's tooltip has every number.
 */
function RoutedEdgeView({
  sourceX,
  sourceY,
  targetX,
  targetY,
  data,
  markerEnd,
  style,
}: EdgeProps<RoutedEdge>) {
  if (!data) return null;
  const path = smoothPath([{ x: sourceX, y: sourceY }, ...data.bends, { x: targetX, y: targetY }]);
  return (
    <>
      <BaseEdge path={path} markerEnd={markerEnd} style={style} />
      <EdgeLabelRenderer>
        <div
          className="nodrag nopan absolute rounded border border-slate-200 bg-white/90 px-1 text-center text-[11px] leading-[15px] whitespace-pre text-slate-700"
          style={{
            transform: `translate(-50%, -50%) translate(${data.label.x}px, ${data.label.y}px)`,
            pointerEvents: "all",
          }}
          title={data.details.join("\n")}
        >
          {data.lines.map((line, i) => (
            <span key={i} className={i === 0 ? "block" : "block text-indigo-700"}>
              {line}
            </span>
          ))}
        </div>
      </EdgeLabelRenderer>
    </>
  );
}

/**
 * Fits the view again whenever the graph's shape changes: `fitView` on ReactFlow fits only the first draw,
 * and a service or call that shows up in a later refresh would be drawn outside the view. A refresh that
 * only changes numbers keeps the user's zoom and pan.
 */
function FitWhenShapeChanges({ shape }: { shape: string }) {
  const { fitView } = useReactFlow();
  useEffect(() => {
    void fitView();
  }, [shape, fitView]);
  return null;
}

// Outside the component: React Flow warns about (and re-mounts on) a new edge types object every render.
const EDGE_TYPES = { routed: RoutedEdgeView };

const edgeId = (edge: { client: string; server: string }) => `${edge.client}->${edge.server}`;

function toFlow(map: ServiceMap): { nodes: Node[]; edges: RoutedEdge[] } {
  const labels = new Map(map.edges.map((edge) => [edgeId(edge), edgeSummary(edge)]));
  const layout = layoutGraph(
    map.nodes.map((n) => n.id),
    map.edges.map((edge) => ({
      id: edgeId(edge),
      source: edge.client,
      target: edge.server,
      label: labelSize(labels.get(edgeId(edge))!),
    })),
  );
  const nodes: Node[] = map.nodes.map((node) => ({
    id: node.id,
    position: layout.nodes.get(node.id) ?? { x: 0, y: 0 },
    // Left to right: calls leave a node on its right and arrive on its left.
    sourcePosition: Position.Right,
    targetPosition: Position.Left,
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
  const edges: RoutedEdge[] = map.edges.map((edge) => {
    const id = edgeId(edge);
    const route = layout.edges.get(id)!;
    // A split edge (calls answered by more than one version: a canary) is drawn in the versions' colour.
    const colour = edge.versions.length > 0 ? "#6366f1" : "#94a3b8";
    return {
      id,
      source: edge.client,
      target: edge.server,
      type: "routed",
      data: { ...route, lines: labels.get(id)!, details: edgeDetails(edge) },
      markerEnd: { type: MarkerType.ArrowClosed, color: colour },
      style: { strokeWidth: 2, stroke: colour },
    };
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
  const shape = flow ? [...flow.nodes.map((n) => n.id), ...flow.edges.map((e) => e.id)].join("\n") : "";
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
              edgeTypes={EDGE_TYPES}
              fitView
              // React Flow stops zooming out at 0.5, which on a phone cuts the outer services off the map.
              minZoom={0.2}
              nodesDraggable={false}
              nodesConnectable={false}
              onNodeClick={(_, node) => router.push(nodeHref(node.id))}
              proOptions={{ hideAttribution: true }}
            >
              <FitWhenShapeChanges shape={shape} />
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
                  <li key={edgeId(edge)} data-edge={edgeId(edge)}>
                    <Link className="text-indigo-700 hover:underline" href={nodeHref(edge.client)}>
                      {nodeLabel(edge.client)}
                    </Link>{" "}
                    →{" "}
                    <Link className="text-indigo-700 hover:underline" href={nodeHref(edge.server)}>
                      {nodeLabel(edge.server)}
                    </Link>
                    <span className="ml-2 whitespace-pre-line text-slate-600">
                      {edgeDetails(edge).join("\n")}
                    </span>
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
