import { describe, expect, it } from "vitest";
import { jobPayloads } from "@switchyard/contracts";
import { InvalidJobPayloadError, isJobName, parseJobPayload } from "./payloads";
import { jobQueues, queueForJob, queueNames } from "./queues";

describe("parseJobPayload", () => {
  it("applies the schema's defaults", () => {
    expect(parseJobPayload("agents.mark-offline", {})).toEqual({ silentAfterMs: 60_000 });
  });

  it("throws naming the bad field", () => {
    expect(() => parseJobPayload("agents.mark-offline", { silentAfterMs: -5 })).toThrow(
      /^invalid payload for job "agents\.mark-offline": silentAfterMs: /,
    );
    try {
      parseJobPayload("agents.mark-offline", { silentAfterMs: "soon" });
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidJobPayloadError);
      expect((error as InvalidJobPayloadError).problems).toEqual([
        expect.stringMatching(/^silentAfterMs: Invalid input: expected number/),
      ]);
    }
  });

  it("names the payload itself when it is not an object", () => {
    expect(() => parseJobPayload("agents.mark-offline", "nope")).toThrow(/: payload: /);
  });
});

describe("job routing", () => {
  it("routes every job in the contracts to a known queue", () => {
    for (const name of Object.keys(jobPayloads)) {
      expect(isJobName(name)).toBe(true);
      if (isJobName(name)) expect(queueNames).toContain(queueForJob(name));
    }
    expect(Object.keys(jobQueues).sort()).toEqual(Object.keys(jobPayloads).sort());
  });

  it("does not take unknown or inherited names for jobs", () => {
    expect(isJobName("agents.unknown")).toBe(false);
    expect(isJobName("toString")).toBe(false);
  });
});
