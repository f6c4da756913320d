import { describe, expect, it } from "vitest";
import {
  ChannelSecretError,
  decryptChannelSecret,
  deriveChannelKey,
  encryptChannelSecret,
  maskWebhookUrl,
} from "./secrets";

const secret = "a".repeat(32) + "-first-secret";
const url = "https://hooks.slack.com/services/T0123ABCD/B0456EFGH/abcdefghijklmnopqrsta1b2";

describe("channel secrets", () => {
  it("round-trips and never stores the plaintext", () => {
    const stored = encryptChannelSecret(url, secret);
    expect(stored).not.toContain("hooks.slack.com");
    expect(stored.split(".")).toHaveLength(5);
    expect(decryptChannelSecret(stored, secret)).toBe(url);
    expect(decryptChannelSecret(stored, deriveChannelKey(secret))).toBe(url);
  });

  it("uses a fresh iv each time", () => {
    expect(encryptChannelSecret(url, secret)).not.toBe(encryptChannelSecret(url, secret));
  });

  it("detects a modified ciphertext, tag or iv", () => {
    const parts = encryptChannelSecret(url, secret).split(".");
    for (const index of [2, 3, 4]) {
      const bytes = Buffer.from(parts[index]!, "base64url");
      bytes[0] = bytes[0]! ^ 1;
      const tampered = parts.map((part, i) => (i === index ? bytes.toString("base64url") : part)).join(".");
      expect(() => decryptChannelSecret(tampered, secret)).toThrow(/modified/);
    }
  });

  it("refuses a different key with a message that says so", () => {
    const stored = encryptChannelSecret(url, secret);
    expect(() => decryptChannelSecret(stored, "b".repeat(40))).toThrow(ChannelSecretError);
    expect(() => decryptChannelSecret(stored, "b".repeat(40))).toThrow(/different BETTER_AUTH_SECRET/);
  });

  it("refuses malformed values and short secrets", () => {
    expect(() => decryptChannelSecret("not-a-secret", secret)).toThrow(/format/);
    expect(() => deriveChannelKey("short")).toThrow(/at least 32/);
  });
});

describe("maskWebhookUrl", () => {
  it("keeps only enough of a Slack URL to recognise it", () => {
    expect(maskWebhookUrl(url)).toBe("https://hooks.slack.com/services/T0…/…/…a1b2");
  });

  it("masks local receivers and drops the query", () => {
    expect(maskWebhookUrl("http://127.0.0.1:4000/hook-0123456789?token=x")).toBe(
      "http://127.0.0.1:4000/…6789",
    );
    expect(maskWebhookUrl("http://receiver:8080/")).toBe("http://receiver:8080/");
  });
});
