import { z } from "zod";
import { type Order, type Product, type User } from "../catalog";
import { type DownstreamService } from "../downstream";
import { HttpError, readJsonBody, validateInput } from "../http";
import { type OrderStore } from "../order-store";
import { type Route } from "../router";
import { page, paginationFields, parseQuery } from "./query";

export interface OrderDependencies {
  version: "v1" | "v2";
  store: OrderStore;
  users: DownstreamService;
  products: DownstreamService;
}

const listQuery = {
  ...paginationFields,
  userId: z.coerce.number().int().positive().optional(),
  status: z.enum(["placed", "paid", "shipped", "delivered"]).optional(),
};

const createOrderBody = z.strictObject({
  userId: z.number().int().positive(),
  items: z
    .array(
      z.strictObject({
        productId: z.number().int().positive(),
        quantity: z.number().int().min(1).max(100),
      }),
    )
    .min(1)
    .max(20),
});

// v2 is the canary: same data, plus VAT on the total. A client can tell the versions apart by body as well as
// by the x-service-version header.
const VAT_RATE = 0.2;

function orderView(
  order: Order,
  user: User | null,
  products: ReadonlyMap<number, Product>,
  version: "v1" | "v2",
) {
  const view = {
    id: order.id,
    status: order.status,
    createdAt: order.createdAt,
    currency: order.currency,
    customer: user ? { id: user.id, name: user.name, email: user.email } : null,
    items: order.items.map((line) => ({
      productId: line.productId,
      name: products.get(line.productId)?.name ?? null,
      quantity: line.quantity,
      unitPriceCents: line.unitPriceCents,
      lineTotalCents: line.quantity * line.unitPriceCents,
    })),
    totalCents: order.totalCents,
  };
  if (version === "v1") return view;
  const taxCents = Math.round(order.totalCents * VAT_RATE);
  return { ...view, taxCents, grandTotalCents: order.totalCents + taxCents };
}

async function fetchProducts(
  deps: OrderDependencies,
  productIds: readonly number[],
  requestId: string,
): Promise<Map<number, Product | null>> {
  const unique = [...new Set(productIds)];
  const found = await Promise.all(
    unique.map((id) => deps.products.getJson<Product>(`/products/${id}`, requestId)),
  );
  return new Map(unique.map((id, index) => [id, found[index] ?? null]));
}

function presentProducts(products: ReadonlyMap<number, Product | null>): Map<number, Product> {
  return new Map([...products].filter((entry): entry is [number, Product] => entry[1] !== null));
}

export function orderRoutes(deps: OrderDependencies): Route[] {
  return [
    {
      method: "GET",
      pattern: "/orders",
      handler: async ({ query }) => {
        const { limit, offset, userId, status } = parseQuery(listQuery, query);
        const matching = deps.store
          .list()
          .filter(
            (order) =>
              (userId === undefined || order.userId === userId) && (!status || order.status === status),
          );
        const { items, ...rest } = page(matching, limit, offset);
        return { status: 200, body: { orders: items, ...rest } };
      },
    },
    {
      method: "GET",
      pattern: "/orders/:id",
      handler: async ({ params, requestId }) => {
        const order = deps.store.get(params.id ?? "");
        if (!order) throw new HttpError(404, "not_found", `order ${params.id} does not exist`);
        const [user, products] = await Promise.all([
          deps.users.getJson<User>(`/users/${order.userId}`, requestId),
          fetchProducts(
            deps,
            order.items.map((line) => line.productId),
            requestId,
          ),
        ]);
        return { status: 200, body: orderView(order, user, presentProducts(products), deps.version) };
      },
    },
    {
      method: "POST",
      pattern: "/orders",
      handler: async ({ req, requestId }) => {
        const input = validateInput(createOrderBody, await readJsonBody(req), "body");
        const [user, products] = await Promise.all([
          deps.users.getJson<User>(`/users/${input.userId}`, requestId),
          fetchProducts(
            deps,
            input.items.map((item) => item.productId),
            requestId,
          ),
        ]);
        if (!user)
          throw new HttpError(422, "unknown_reference", `body.userId: user ${input.userId} does not exist`);
        const missing = input.items.findIndex((item) => products.get(item.productId) === null);
        if (missing >= 0) {
          const productId = input.items[missing]?.productId;
          throw new HttpError(
            422,
            "unknown_reference",
            `body.items.${missing}.productId: product ${productId} does not exist`,
          );
        }
        const order = deps.store.create(
          user.id,
          input.items.map((item) => ({
            productId: item.productId,
            quantity: item.quantity,
            unitPriceCents: (products.get(item.productId) as Product).priceCents,
          })),
        );
        return {
          status: 201,
          body: orderView(order, user, presentProducts(products), deps.version),
          headers: { location: `/orders/${order.id}` },
        };
      },
    },
  ];
}
