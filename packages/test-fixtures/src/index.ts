export { createTestDatabase, type TestDatabase } from "./database";
export { createTestRedis, type TestRedis } from "./redis";
export { testServices, databaseUrlFor } from "./services";
export { waitFor } from "./wait";
