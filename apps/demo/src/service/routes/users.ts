import { USERS } from "../catalog";
import { HttpError } from "../http";
import { type Route } from "../router";
import { numericId, page, paginationFields, parseQuery } from "./query";

const byId = new Map(USERS.map((user) => [user.id, user]));

export const userRoutes: readonly Route[] = [
  {
    method: "GET",
    pattern: "/users",
    handler: async ({ query }) => {
      const { limit, offset } = parseQuery(paginationFields, query);
      const { items, ...rest } = page(USERS, limit, offset);
      return { status: 200, body: { users: items, ...rest } };
    },
  },
  {
    method: "GET",
    pattern: "/users/:id",
    handler: async ({ params }) => {
      const user = byId.get(numericId(params.id) ?? -1);
      if (!user) throw new HttpError(404, "not_found", `user ${params.id} does not exist`);
      return { status: 200, body: user };
    },
  },
];
