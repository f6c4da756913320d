import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/cli.ts", "src/index.ts"],
  format: ["esm"],
  platform: "node",
  target: "node20",
  // Workspace packages are TypeScript sources: bundle them; npm dependencies stay external.
  noExternal: [/^@switchyard\//],
  sourcemap: true,
  clean: true,
});
