import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

/** One message as the receiver got it: the webhook path it was posted to and the JSON payload. */
export interface ReceivedMessage {
  id: number;
  receivedAt: string;
  path: string;
  payload: Record<string, unknown>;
}

/** Answers one accepted message: a status, Slack's answer word (default `ok`) and extra headers. */
export type AnswerMessage = (status: number, text?: string, headers?: Record<string, string>) => void;

export interface SlackReceiverOptions {
  /** Older messages are dropped past this many (counted in `dropped`), so a long demo stays bounded. */
  maxMessages?: number;
  /**
   * Decides the answer to each accepted message; without it Slack's `200 ok`. The test stand-in
   * (`@switchyard/alerting/testing`) scripts failures with it and holds a request open by answering later.
   */
  onMessage?: (message: ReceivedMessage, answer: AnswerMessage) => void;
}

export interface SlackReceiver {
  server: Server;
  messages(): readonly ReceivedMessage[];
}

// Slack refuses payloads far smaller than this; the cap only keeps a misbehaving sender from filling memory.
const MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_MAX_MESSAGES = 1_000;

function sendText(res: ServerResponse, status: number, text: string, headers = {}): void {
  // A held answer can come after the sender gave up and went away.
  if (res.destroyed) return;
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Slack's answer to a payload, as documented for incoming webhooks: a JSON object with `text` or `blocks`, or
 * `invalid_payload` / `no_text`.
 */
export function checkPayload(body: string): { payload: Record<string, unknown> } | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { error: "invalid_payload" };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    return { error: "invalid_payload" };
  const payload = parsed as Record<string, unknown>;
  const hasText = typeof payload.text === "string" && payload.text.trim() !== "";
  const hasBlocks = Array.isArray(payload.blocks) && payload.blocks.length > 0;
  if (!hasText && !hasBlocks) return { error: "no_text" };
  return { payload };
}

/**
 * A stand-in for a Slack incoming webhook, so the demo shows alerts without a Slack workspace: `POST
 * /services/...` answers like Slack (200 `ok`, or 400 with Slack's error word) and records the message;
 * `GET /messages` lists what arrived, oldest first (`?after=<id>` for only the newer ones).
 */
export function createSlackReceiver(options: SlackReceiverOptions = {}): SlackReceiver {
  const maxMessages = options.maxMessages ?? DEFAULT_MAX_MESSAGES;
  const onMessage = options.onMessage ?? ((_message, answer) => answer(200));
  const received: ReceivedMessage[] = [];
  let nextId = 1;
  let dropped = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://receiver");
    if (url.pathname === "/health" && req.method === "GET") return sendText(res, 200, "ok");
    if (url.pathname === "/messages" && req.method === "GET") {
      const after = Number(url.searchParams.get("after") ?? 0);
      if (!Number.isInteger(after) || after < 0) {
        res.writeHead(400, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: "after: expected a message id (an integer, 0 or more)" }));
        return;
      }
      const body = JSON.stringify({ messages: received.filter((m) => m.id > after), dropped });
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      res.end(body);
      return;
    }
    if (!url.pathname.startsWith("/services/")) return sendText(res, 404, "no_service");
    if (req.method !== "POST") return sendText(res, 405, "invalid_method");
    const body = await readBody(req);
    if (body === null) return sendText(res, 413, "request_too_large");
    const checked = checkPayload(body.toString("utf8"));
    if ("error" in checked) return sendText(res, 400, checked.error);
    const message: ReceivedMessage = {
      id: nextId++,
      receivedAt: new Date().toISOString(),
      path: url.pathname,
      payload: checked.payload,
    };
    received.push(message);
    if (received.length > maxMessages) {
      received.shift();
      dropped++;
    }
    onMessage(message, (status, text = "ok", headers = {}) => sendText(res, status, text, headers));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendText(res, 500, "internal_error");
      else res.destroy();
    });
  });
  return { server, messages: () => received };
}
