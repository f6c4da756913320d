import { describe, expect, it } from "vitest";
import { type ConfigRevision } from "@switchyard/contracts";
import { ControlPlaneClient } from "./control-plane-client";
import { backoffDelay, ControlPlaneWatcher } from "./control-plane-watcher";

describe("backoffDelay", () => {
  it("grows exponentially up to the cap, with full jitter", () => {
    expect(backoffDelay(0, 500, 30_000, () => 1)).toBe(500);
    expect(backoffDelay(3, 500, 30_000, () => 1)).toBe(4_000);
    expect(backoffDelay(20, 500, 30_000, () => 1)).toBe(30_000);
    expect(backoffDelay(3, 500, 30_000, () => 0.5)).toBe(2_000);
    expect(backoffDelay(3, 500, 30_000, () => 0)).toBe(0);
  });
});

describe("ControlPlaneWatcher.deliver", () => {
  const revision = (number: number): ConfigRevision => ({
    number,
    groupId: "g1",
    createdAt: "2026-11-21T10:00:00.000Z",
    config: {},
  });
  // deliver never talks to the control plane; the client only has to exist.
  const watcherWith = (onRevision: (revision: ConfigRevision) => Promise<void> | void) =>
    new ControlPlaneWatcher(new ControlPlaneClient("http://127.0.0.1:9", "token"), onRevision, () => {}, {
      waitSeconds: 1,
      backoffBaseMs: 10,
      backoffMaxMs: 10,
    });

  it("hands each revision over once and in order, and waits for its handling", async () => {
    const handled: number[] = [];
    const watcher = watcherWith(async (r) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      handled.push(r.number);
    });
    await watcher.deliver(revision(2));
    expect(handled).toEqual([2]);
    await watcher.deliver(revision(2));
    await watcher.deliver(revision(1));
    await watcher.deliver(revision(3));
    expect(handled).toEqual([2, 3]);
    expect(watcher.lastSeen).toBe(3);
  });

  it("stops waiting for a handling that hangs once the watcher is stopped", async () => {
    const watcher = watcherWith(() => new Promise<void>(() => {}));
    const delivering = watcher.deliver(revision(1));
    await watcher.stop();
    await expect(delivering).resolves.toBeUndefined();
  });
});
