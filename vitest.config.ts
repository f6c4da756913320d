import { defineConfig } from "vitest/config";

// Two projects: `unit` is pure logic next to the code (no services), `integration` talks to the real
// Postgres and Redis and real processes on loopback. Integration files end in `.int.test.ts`.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          // docker/: the compose file's checks (no Docker engine runs where the tests do).
          include: ["apps/*/src/**/*.test.ts", "packages/*/src/**/*.test.ts", "docker/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/node_modules/**"],
          environment: "node",
        },
      },
      {
        test: {
          name: "integration",
          include: ["apps/*/src/**/*.int.test.ts", "packages/*/src/**/*.int.test.ts"],
          exclude: ["**/node_modules/**"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
          globalSetup: ["packages/test-fixtures/src/global-setup.ts"],
        },
      },
    ],
  },
});
