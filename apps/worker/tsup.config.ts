import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/main.ts"],
  format: ["esm"],
  platform: "node",
  target: "node20",
  outDir: "dist",
  clean: true,
  sourcemap: true,
  // Workspace packages ship TypeScript source, so they are bundled; everything from npm stays external and
  // is loaded from node_modules at run time (the OpenTelemetry instrumentations can only hook it there).
  noExternal: [/^@switchyard\//],
  skipNodeModulesBundle: true,
});
