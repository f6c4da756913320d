// What the generator sends: a shop-like mix, fully determined by the seed so two runs with the same seed send
// the same requests in the same order.
import { PRODUCT_CATEGORIES, PRODUCTS, SEED_ORDERS, USERS } from "../service/catalog";
import { createRng, pickSkewed, randomInt, type Rng } from "../rng";

export type RequestKind = "products.list" | "products.get" | "users.get" | "orders.get" | "orders.create";

/** Relative weights (they sum to 100, so each reads as a percentage). */
export const TRAFFIC_MIX: ReadonlyArray<{ kind: RequestKind; weight: number }> = [
  { kind: "products.list", weight: 15 },
  { kind: "products.get", weight: 25 },
  { kind: "users.get", weight: 25 },
  { kind: "orders.get", weight: 25 },
  { kind: "orders.create", weight: 10 },
];

export interface PlannedRequest {
  kind: RequestKind;
  method: "GET" | "POST";
  /** Path below the prefix, e.g. `/api/products/5001`. */
  path: string;
  /** JSON body for POST. */
  body?: string;
}

const TOTAL_WEIGHT = TRAFFIC_MIX.reduce((sum, entry) => sum + entry.weight, 0);

function pickKind(rng: Rng): RequestKind {
  let draw = rng() * TOTAL_WEIGHT;
  for (const entry of TRAFFIC_MIX) {
    draw -= entry.weight;
    if (draw < 0) return entry.kind;
  }
  return TRAFFIC_MIX[TRAFFIC_MIX.length - 1]!.kind;
}

function productListPath(rng: Rng): string {
  const variant = randomInt(rng, 0, 2);
  if (variant === 0) return "/products";
  if (variant === 1)
    return `/products?category=${PRODUCT_CATEGORIES[randomInt(rng, 0, PRODUCT_CATEGORIES.length - 1)]}`;
  return `/products?limit=10&offset=${randomInt(rng, 0, 2) * 10}`;
}

function newOrderBody(rng: Rng): string {
  const productIds = new Set<number>();
  const lines = randomInt(rng, 1, 3);
  while (productIds.size < lines) productIds.add(pickSkewed(rng, PRODUCTS).id);
  return JSON.stringify({
    userId: pickSkewed(rng, USERS).id,
    items: [...productIds].map((productId) => ({ productId, quantity: randomInt(rng, 1, 3) })),
  });
}

/** A deterministic, endless request sequence; `pathPrefix` is what the gateway routes on (default `/api`). */
export function createRequestSequence(seed: number, pathPrefix: string): () => PlannedRequest {
  const rng = createRng(seed);
  return () => {
    const kind = pickKind(rng);
    switch (kind) {
      case "products.list":
        return { kind, method: "GET", path: pathPrefix + productListPath(rng) };
      case "products.get":
        return { kind, method: "GET", path: `${pathPrefix}/products/${pickSkewed(rng, PRODUCTS).id}` };
      case "users.get":
        return { kind, method: "GET", path: `${pathPrefix}/users/${pickSkewed(rng, USERS).id}` };
      case "orders.get":
        return { kind, method: "GET", path: `${pathPrefix}/orders/${pickSkewed(rng, SEED_ORDERS).id}` };
      case "orders.create":
        return { kind, method: "POST", path: `${pathPrefix}/orders`, body: newOrderBody(rng) };
    }
  };
}

export function planRequests(seed: number, count: number, pathPrefix = "/api"): PlannedRequest[] {
  const next = createRequestSequence(seed, pathPrefix);
  return Array.from({ length: count }, next);
}
