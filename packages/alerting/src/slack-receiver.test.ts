import { describe, expect, it } from "vitest";
import { checkPayload } from "./slack-receiver";

describe("checkPayload", () => {
  it("accepts text or blocks, as Slack does", () => {
    expect(checkPayload('{"text":"hi"}')).toEqual({ payload: { text: "hi" } });
    expect(checkPayload('{"blocks":[{"type":"section"}]}')).toEqual({
      payload: { blocks: [{ type: "section" }] },
    });
  });

  it("answers with Slack's error words", () => {
    expect(checkPayload("not json")).toEqual({ error: "invalid_payload" });
    expect(checkPayload("[1]")).toEqual({ error: "invalid_payload" });
    expect(checkPayload("null")).toEqual({ error: "invalid_payload" });
    expect(checkPayload('{"text":"  "}')).toEqual({ error: "no_text" });
    expect(checkPayload('{"blocks":[]}')).toEqual({ error: "no_text" });
  });
});
