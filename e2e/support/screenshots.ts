import { fileURLToPath } from "node:url";

/** Screenshot options for a picture the README shows: full page, written to docs/screenshots/<name>.png. */
export const readmeScreenshot = (name: string) => ({
  path: fileURLToPath(new URL(`../../docs/screenshots/${name}.png`, import.meta.url)),
  fullPage: true,
});
