import { Graph, layout } from "@dagrejs/dagre";

export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 64;

export interface Point {
  x: number;
  y: number;
}

export interface LayoutEdge {
  id: string;
  source: string;
  target: string;
  /** The size of the edge's label: the layout keeps a place of that size free for it on the edge. */
  label: { width: number; height: number };
}

export interface GraphLayout {
  /** Top-left corner of each node (React Flow places nodes by their corner). */
  nodes: Map<string, Point>;
  /**
   * Each edge's route: the bend points between its two nodes (the path goes through them, from the source's
   * right side to the target's left side), and the centre of its label, which lies on the route.
   */
  edges: Map<string, { bends: Point[]; label: Point }>;
}

/**
 * Left-to-right layered layout: callers on the left, what they call to the right. Edge labels are laid out
 * by dagre as boxes of their own between the ranks, so no label covers another label or a node.
 */
export function layoutGraph(nodeIds: string[], edges: LayoutEdge[]): GraphLayout {
  const graph = new Graph();
  graph.setGraph({ rankdir: "LR", nodesep: 30, ranksep: 80, edgesep: 20 });
  for (const id of nodeIds) graph.setNode(id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const edge of edges) {
    graph.setEdge(edge.source, edge.target, {
      width: edge.label.width,
      height: edge.label.height,
      labelpos: "c",
    });
  }
  layout(graph);
  const nodes = new Map<string, Point>();
  for (const id of nodeIds) {
    const node = graph.node(id);
    // dagre gives centres.
    nodes.set(id, { x: node.x - NODE_WIDTH / 2, y: node.y - NODE_HEIGHT / 2 });
  }
  const routes = new Map<string, { bends: Point[]; label: Point }>();
  for (const edge of edges) {
    const laidOut = graph.edge(edge.source, edge.target);
    const points = laidOut.points as Point[];
    routes.set(edge.id, {
      // dagre's first and last points are where the line meets each node's border; the map draws from the
      // side handles instead.
      bends: points.slice(1, -1).map(({ x, y }) => ({ x, y })),
      label: { x: laidOut.x as number, y: laidOut.y as number },
    });
  }
  return { nodes, edges: routes };
}

/**
 * An SVG path through `points` from left to right: a cubic curve between each pair of points, leaving and
 * entering each point horizontally, so a route through a label stays smooth and meets the side handles
 * square.
 */
export function smoothPath(points: readonly Point[]): string {
  const [first, ...rest] = points;
  if (first === undefined) return "";
  let path = `M ${first.x},${first.y}`;
  let previous = first;
  for (const point of rest) {
    const reach = Math.max(Math.abs(point.x - previous.x) / 2, 20);
    path += ` C ${previous.x + reach},${previous.y} ${point.x - reach},${point.y} ${point.x},${point.y}`;
    previous = point;
  }
  return path;
}
