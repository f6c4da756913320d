import { type IncomingMessage } from "node:http";

export interface RouteContext {
  req: IncomingMessage;
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  requestId: string;
}

export interface RouteResult {
  status: number;
  body: unknown;
  headers?: Readonly<Record<string, string>>;
}

export interface Route {
  method: "GET" | "POST";
  /** Path with `:name` segments, e.g. `/orders/:id`; also used as the span's route name. */
  pattern: string;
  handler: (context: RouteContext) => Promise<RouteResult>;
}

export type RouteLookup =
  | { kind: "found"; route: Route; params: Record<string, string> }
  | { kind: "method_not_allowed"; allow: string[] }
  | { kind: "not_found" };

interface CompiledRoute {
  route: Route;
  regex: RegExp;
  names: string[];
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.pattern
    .split("/")
    .map((segment) => {
      if (!segment.startsWith(":")) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      names.push(segment.slice(1));
      return "([^/]+)";
    })
    .join("/");
  return { route, regex: new RegExp(`^${source}/?$`), names };
}

export function createRouter(routes: readonly Route[]): (method: string, path: string) => RouteLookup {
  const compiled = routes.map(compile);
  return (method, path) => {
    const allow: string[] = [];
    for (const { route, regex, names } of compiled) {
      const match = regex.exec(path);
      if (!match) continue;
      if (route.method !== method) {
        allow.push(route.method);
        continue;
      }
      const values = match.slice(1).map(safeDecode);
      if (values.some((value) => value === null)) return { kind: "not_found" };
      const params = Object.fromEntries(names.map((name, index) => [name, values[index] as string]));
      return { kind: "found", route, params };
    }
    return allow.length > 0 ? { kind: "method_not_allowed", allow } : { kind: "not_found" };
  };
}

function safeDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
