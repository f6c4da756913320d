import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "./logger";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, destination };
}

describe("createLogger", () => {
  const originalLevel = process.env.LOG_LEVEL;
  afterEach(() => {
    if (originalLevel === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = originalLevel;
  });

  it("writes JSON lines with service, level label and ISO time", () => {
    const { lines, destination } = capture();
    createLogger({ service: "worker", level: "info", destination }).info({ jobId: "7" }, "job done");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ service: "worker", level: "info", jobId: "7", msg: "job done" });
    expect(new Date(lines[0]!.time as string).toISOString()).toBe(lines[0]!.time);
  });

  it("takes its level from LOG_LEVEL", () => {
    process.env.LOG_LEVEL = "warn";
    const { lines, destination } = capture();
    const logger = createLogger({ service: "worker", destination });
    logger.info("dropped");
    logger.warn("kept");
    expect(lines.map((l) => l.msg)).toEqual(["kept"]);
  });

  it("names LOG_LEVEL when it is not a level", () => {
    process.env.LOG_LEVEL = "loud";
    expect(() => createLogger({ service: "worker" })).toThrow(/^LOG_LEVEL: .* — one of fatal, error/);
  });

  it("serializes errors with type, message and stack", () => {
    const { lines, destination } = capture();
    createLogger({ service: "web", level: "info", destination }).error(
      { err: new TypeError("boom") },
      "failed",
    );
    expect(lines[0]!.err).toMatchObject({ type: "TypeError", message: "boom" });
    expect((lines[0]!.err as { stack: string }).stack).toContain("TypeError: boom");
  });

  it("redacts credentials at the top level and in nested objects", () => {
    const { lines, destination } = capture();
    createLogger({ service: "web", level: "info", destination }).info(
      {
        token: "agent-token",
        req: {
          headers: { authorization: "Bearer abc", cookie: "session=1", "set-cookie": ["s=2"], host: "x" },
        },
        agent: { credentials: { password: "pw" } },
      },
      "request",
    );
    const line = JSON.stringify(lines[0]);
    for (const secret of ["agent-token", "Bearer abc", "session=1", "s=2", '"pw"'])
      expect(line).not.toContain(secret);
    expect(lines[0]).toMatchObject({ token: "[redacted]", req: { headers: { host: "x" } } });
  });
});
