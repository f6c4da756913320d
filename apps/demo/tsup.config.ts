import { defineConfig } from "tsup";

// The entry points, bundled side by side in dist/: the supervisor finds the built service.js next to itself.
export default defineConfig({
  entry: {
    shop: "src/shop.ts",
    service: "src/service.ts",
    traffic: "src/traffic.ts",
    "slack-receiver": "src/slack-receiver.ts",
  },
  format: ["esm"],
  platform: "node",
  target: "node20",
  outDir: "dist",
  clean: true,
  sourcemap: true,
  noExternal: [/^@switchyard\//],
});
