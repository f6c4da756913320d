import { extname } from "node:path";
import { parse as parseYaml } from "yaml";

export type ParsedDocument = { ok: true; value: unknown } | { ok: false; message: string };

/** Reads a JSON or YAML document (by file extension: `.yaml`/`.yml` is YAML, anything else JSON). */
export function parseConfigDocument(text: string, fileName: string): ParsedDocument {
  const extension = extname(fileName).toLowerCase();
  try {
    const value: unknown = extension === ".yaml" || extension === ".yml" ? parseYaml(text) : JSON.parse(text);
    return { ok: true, value };
  } catch (error) {
    return {
      ok: false,
      message: `${fileName} is not valid ${extension.startsWith(".y") ? "YAML" : "JSON"}: ${(error as Error).message}`,
    };
  }
}
