import { describe, expect, it } from "vitest";
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH, smoothPath } from "./layout-graph";

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

const overlap = (a: Box, b: Box) =>
  a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

// The demo shop: two gateways in front of orders, users and products; orders calls users and products.
const NODES = ["gateway-a", "gateway-b", "orders", "products", "users"];
const PAIRS = [
  ["gateway-a", "orders"],
  ["gateway-a", "products"],
  ["gateway-a", "users"],
  ["gateway-b", "orders"],
  ["gateway-b", "products"],
  ["gateway-b", "users"],
  ["orders", "products"],
  ["orders", "users"],
] as const;
const LABEL = { width: 150, height: 38 };
const EDGES = PAIRS.map(([source, target]) => ({ id: `${source}->${target}`, source, target, label: LABEL }));

describe("layoutGraph", () => {
  const layout = layoutGraph(NODES, EDGES);
  const nodeBox = (id: string): Box => {
    const { x, y } = layout.nodes.get(id)!;
    return { left: x, top: y, right: x + NODE_WIDTH, bottom: y + NODE_HEIGHT };
  };
  const labelBox = (id: string): Box => {
    const { x, y } = layout.edges.get(id)!.label;
    return {
      left: x - LABEL.width / 2,
      top: y - LABEL.height / 2,
      right: x + LABEL.width / 2,
      bottom: y + LABEL.height / 2,
    };
  };

  it("puts every caller left of what it calls, with the label between them", () => {
    for (const edge of EDGES) {
      const source = nodeBox(edge.source);
      const target = nodeBox(edge.target);
      expect(source.right).toBeLessThan(target.left);
      const label = layout.edges.get(edge.id)!.label;
      expect(label.x).toBeGreaterThan(source.right);
      expect(label.x).toBeLessThan(target.left);
    }
  });

  it("keeps labels off each other and off the nodes", () => {
    for (const edge of EDGES) {
      for (const other of EDGES) {
        if (other.id !== edge.id) expect(overlap(labelBox(edge.id), labelBox(other.id))).toBe(false);
      }
      for (const node of NODES) expect(overlap(labelBox(edge.id), nodeBox(node))).toBe(false);
    }
  });

  it("routes each edge through its label, left to right", () => {
    for (const edge of EDGES) {
      const { bends, label } = layout.edges.get(edge.id)!;
      expect(bends).toContainEqual(label);
      const xs = bends.map((point) => point.x);
      expect(xs).toEqual([...xs].sort((a, b) => a - b));
    }
  });
});

describe("smoothPath", () => {
  it("curves between points, leaving and entering each one horizontally", () => {
    expect(
      smoothPath([
        { x: 0, y: 0 },
        { x: 100, y: 50 },
        { x: 300, y: 50 },
      ]),
    ).toBe("M 0,0 C 50,0 50,50 100,50 C 200,50 200,50 300,50");
    expect(smoothPath([])).toBe("");
  });
});
