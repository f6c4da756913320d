import { z } from "zod";
import { PRODUCT_CATEGORIES, PRODUCTS } from "../catalog";
import { HttpError } from "../http";
import { type Route } from "../router";
import { numericId, page, paginationFields, parseQuery } from "./query";

const byId = new Map(PRODUCTS.map((product) => [product.id, product]));

const listQuery = {
  ...paginationFields,
  category: z.enum(PRODUCT_CATEGORIES as [string, ...string[]]).optional(),
};

export const productRoutes: readonly Route[] = [
  {
    method: "GET",
    pattern: "/products",
    handler: async ({ query }) => {
      const { limit, offset, category } = parseQuery(listQuery, query);
      const matching = category ? PRODUCTS.filter((product) => product.category === category) : PRODUCTS;
      const { items, ...rest } = page(matching, limit, offset);
      return { status: 200, body: { products: items, ...rest } };
    },
  },
  {
    method: "GET",
    pattern: "/products/:id",
    handler: async ({ params }) => {
      const product = byId.get(numericId(params.id) ?? -1);
      if (!product) throw new HttpError(404, "not_found", `product ${params.id} does not exist`);
      return { status: 200, body: product };
    },
  },
];
