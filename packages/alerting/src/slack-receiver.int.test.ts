import { once } from "node:events";
import { type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createSlackReceiver, type SlackReceiver } from "./slack-receiver";
import { startSlackReceiver, type SlackReceiver as ScriptableSlackReceiver } from "./testing/slack-receiver";

let receiver: SlackReceiver | undefined;

async function start(maxMessages?: number): Promise<string> {
  receiver = createSlackReceiver({ maxMessages });
  receiver.server.listen(0, "127.0.0.1");
  await once(receiver.server, "listening");
  return `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  receiver?.server.close();
  receiver = undefined;
});

async function post(url: string, body: string) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  return { status: response.status, text: await response.text() };
}

describe("the Slack receiver over HTTP", () => {
  it("answers 200 ok like a Slack webhook and lists what it received", async () => {
    const url = await start();
    expect(await post(`${url}/services/T0/B0/x`, JSON.stringify({ text: "orders is failing" }))).toEqual({
      status: 200,
      text: "ok",
    });
    await post(
      `${url}/services/T0/B0/x`,
      JSON.stringify({ text: "resolved", blocks: [{ type: "section" }] }),
    );
    const all = (await (await fetch(`${url}/messages`)).json()) as {
      messages: Array<{ id: number; path: string; payload: { text: string } }>;
      dropped: number;
    };
    expect(all.messages.map((m) => [m.id, m.path, m.payload.text])).toEqual([
      [1, "/services/T0/B0/x", "orders is failing"],
      [2, "/services/T0/B0/x", "resolved"],
    ]);
    const newer = (await (await fetch(`${url}/messages?after=1`)).json()) as { messages: unknown[] };
    expect(newer.messages).toHaveLength(1);
  });

  it("refuses what Slack refuses and records nothing", async () => {
    const url = await start();
    expect(await post(`${url}/services/x`, "{")).toEqual({ status: 400, text: "invalid_payload" });
    expect(await post(`${url}/services/x`, "{}")).toEqual({ status: 400, text: "no_text" });
    expect(await post(`${url}/elsewhere`, '{"text":"x"}')).toEqual({ status: 404, text: "no_service" });
    expect((await fetch(`${url}/services/x`)).status).toBe(405);
    expect((await fetch(`${url}/messages?after=-1`)).status).toBe(400);
    expect(receiver!.messages()).toEqual([]);
  });

  it("keeps only the newest messages and counts the dropped ones", async () => {
    const url = await start(2);
    for (const text of ["a", "b", "c"]) await post(`${url}/services/x`, JSON.stringify({ text }));
    const body = (await (await fetch(`${url}/messages`)).json()) as {
      messages: Array<{ payload: { text: string } }>;
      dropped: number;
    };
    expect(body.messages.map((m) => m.payload.text)).toEqual(["b", "c"]);
    expect(body.dropped).toBe(1);
  });
});

describe("the scriptable receiver for tests", () => {
  let scripted: ScriptableSlackReceiver | undefined;
  afterEach(async () => {
    await scripted?.close();
    scripted = undefined;
  });
  const send = (text: string) => post(scripted!.url, JSON.stringify({ text }));

  it("answers from its script, then 200 ok, and records each status", async () => {
    scripted = await startSlackReceiver();
    scripted.script({ status: 429, body: "rate_limited", headers: { "retry-after": "2" } }, { status: 500 });
    const limited = await fetch(scripted.url, { method: "POST", body: JSON.stringify({ text: "a" }) });
    expect([limited.status, limited.headers.get("retry-after"), await limited.text()]).toEqual([
      429,
      "2",
      "rate_limited",
    ]);
    expect(await send("b")).toEqual({ status: 500, text: "ok" });
    expect(await send("c")).toEqual({ status: 200, text: "ok" });
    expect(scripted.requests.map((r) => [r.body.text, r.status])).toEqual([
      ["a", 429],
      ["b", 500],
      ["c", 200],
    ]);
    expect(scripted.requests[0]!.path).toBe(new URL(scripted.url).pathname);
  });

  it("holds a request open until release, and waits for requests", async () => {
    scripted = await startSlackReceiver();
    scripted.script({ hang: true });
    const answered = send("held");
    const [held] = await scripted.waitForRequests(1, 5_000);
    expect(held!.status).toBeNull();
    scripted.release();
    expect(await answered).toEqual({ status: 200, text: "ok" });
    expect(held!.status).toBe(200);
    await expect(scripted.waitForRequests(2, 50)).rejects.toThrow("got 1 of 2 requests within 50 ms");
  });
});
