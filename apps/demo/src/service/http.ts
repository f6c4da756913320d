import { type IncomingMessage, type ServerResponse } from "node:http";
import { type z } from "zod";
import { describeIssues, type FieldIssue, fieldIssues } from "../validation";

/** An error answered as JSON `{ error, message, issues? }` with the given status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: readonly FieldIssue[],
  ) {
    super(message);
  }

  toBody(): Record<string, unknown> {
    return { error: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) };
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(payload),
  });
  res.end(payload);
}

const MAX_BODY_BYTES = 64 * 1024;

/** Reads a JSON request body, refusing non-JSON, oversized or malformed bodies with the matching 4xx. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const contentType = req.headers["content-type"] ?? "";
  if (!/^application\/json\b/i.test(contentType)) {
    throw new HttpError(415, "unsupported_media_type", "body: expected content-type application/json");
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      throw new HttpError(413, "payload_too_large", `body: larger than ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
  } catch {
    throw new HttpError(400, "invalid_json", "body: not valid JSON");
  }
}

/** Validates `input` with `schema`; failures become a 400 naming each field, prefixed by where it came from. */
export function validateInput<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  source: "body" | "query",
): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = fieldIssues(result.error, (path) => (path === "(root)" ? source : `${source}.${path}`));
  throw new HttpError(400, "invalid_request", describeIssues(issues), issues);
}
