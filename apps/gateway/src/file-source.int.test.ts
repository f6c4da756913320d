import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "undici";
import { eventually, GatewayProcess, Upstream } from "./testing/processes";

let upstream: Upstream;
let gateway: GatewayProcess;

function config(tag: string, strategy = "round_robin") {
  return {
    routes: [
      {
        id: "shop",
        match: { pathPrefix: "/" },
        service: "shop",
        responseHeaders: { set: { "x-config": tag } },
      },
    ],
    services: { shop: { strategy, targets: [{ id: "shop-a", url: upstream.url }] } },
  };
}

async function configTag(): Promise<string | undefined> {
  const response = await request(`${gateway.url}/anything`);
  await response.body.dump();
  return response.statusCode === 200 ? String(response.headers["x-config"]) : undefined;
}

beforeAll(async () => {
  upstream = await new Upstream("shop-a", "v1").start();
  gateway = await GatewayProcess.start({ config: config("one") });
});

afterAll(async () => {
  await gateway?.remove();
  await upstream?.stop();
});

describe("local file source", () => {
  it("hot-reloads a changed file", async () => {
    expect(await configTag()).toBe("one");
    await gateway.writeConfig(config("two"));
    await eventually(
      async () => ((await configTag()) === "two" ? true : undefined),
      3_000,
      "the new file to serve",
    );
    expect((await gateway.status()).configSource).toBe("file");
  });

  it("refuses an invalid file with the field named and keeps serving", async () => {
    await gateway.writeConfig(config("three", "fastest"));
    const rejected = await eventually(
      async () => (await gateway.status()).lastRejected ?? undefined,
      3_000,
      "the refusal to show in status",
    );
    expect(rejected.errors).toEqual([
      { path: "services.shop.strategy", message: expect.stringContaining("Invalid option") },
    ]);
    expect(await configTag()).toBe("two");

    await writeFile(join(gateway.dir, "config.json"), "{ not json");
    await eventually(
      async () =>
        (await gateway.status()).lastRejected?.errors[0]?.message.includes("not valid JSON")
          ? true
          : undefined,
      3_000,
      "the unparsable file to be refused",
    );
    expect(await configTag()).toBe("two");
  });

  it("falls back to the last-known-good revision when the file is broken at start", async () => {
    await gateway.stop();
    await writeFile(join(gateway.dir, "config.json"), "{ still not json");
    gateway = await GatewayProcess.start({ dir: gateway.dir });
    expect(await configTag()).toBe("two");
    expect((await gateway.status()).configSource).toBe("last_known_good");
  });
});
