import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * The node arguments that run the service binary. From the tsup bundle the built `service.js` sits next to this
 * code; from source (tests, `tsx`) the TypeScript entry is run through tsx's loader.
 */
export function serviceEntryArgs(): string[] {
  const built = fileURLToPath(new URL("./service.js", import.meta.url));
  if (existsSync(built)) return [built];
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  return ["--import", tsxLoader, fileURLToPath(new URL("./service.ts", import.meta.url))];
}
