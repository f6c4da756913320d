import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuthenticator } from "@switchyard/ingest";
import { createTestDatabase, type TestDatabase } from "@switchyard/test-fixtures";
import { createApiHarness, expectCode } from "./test-harness";

/** Ingest keys: shown once, stored as a hash, audited, revocable, and never visible across organizations. */

let testDb: TestDatabase;
let harness: ReturnType<typeof createApiHarness>;
let alice: Awaited<ReturnType<ReturnType<typeof createApiHarness>["signUp"]>>;
let bob: typeof alice;

beforeAll(async () => {
  testDb = await createTestDatabase();
  harness = createApiHarness(testDb.db);
  alice = await harness.signUpOwner("alice@a.example", { name: "Org A", slug: "org-a" });
  bob = await harness.signUpOwner("bob@b.example", { name: "Org B", slug: "org-b" });
});

afterAll(async () => {
  await testDb?.drop();
});

describe("ingest keys", () => {
  it("shows a new key once with the exporter settings, stores only its hash, and audits it", async () => {
    const inA = await alice.caller("org-a");
    const created = await inA.ingestKey.create({ name: "checkout-service" });
    expect(created.key).toMatch(/^sy_ing_[A-Za-z0-9_-]{43}$/);
    expect(created.exporterEnvironment).toContain(
      `OTEL_EXPORTER_OTLP_HEADERS=authorization=Bearer ${created.key}`,
    );
    const { keys } = await inA.ingestKey.list();
    expect(keys).toEqual([
      expect.objectContaining({ id: created.id, name: "checkout-service", revokedAt: null }),
    ]);
    expect(JSON.stringify(keys)).not.toContain(created.key);
    const stored = await testDb.db.ingestKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(stored.keyHash).not.toContain(created.key);
    const audit = await inA.audit.list({ limit: 50 });
    expect(audit.events.map((e) => e.action)).toContain("ingest_key.create");

    const authenticate = createAuthenticator(testDb.db, { ttlMs: 0 });
    expect(await authenticate(created.key)).toMatchObject({ organizationId: stored.organizationId });
    await inA.ingestKey.revoke({ id: created.id });
    expect(await authenticate(created.key)).toBeNull();
    expect((await inA.audit.list({ limit: 50 })).events.map((e) => e.action)).toContain("ingest_key.revoke");
  });

  it("keeps each organization's keys out of the other's reach", async () => {
    const inB = await bob.caller("org-b");
    const keyB = await inB.ingestKey.create({ name: "b-collector" });
    const inA = await alice.caller("org-a");
    expect((await inA.ingestKey.list()).keys.map((k) => k.id)).not.toContain(keyB.id);
    await expectCode(inA.ingestKey.revoke({ id: keyB.id }), "NOT_FOUND");
    const outsider = await alice.caller("org-b");
    await expectCode(outsider.ingestKey.list(), "NOT_FOUND");
    await expectCode(outsider.ingestKey.create({ name: "sneaky" }), "NOT_FOUND");
    expect((await testDb.db.ingestKey.findUniqueOrThrow({ where: { id: keyB.id } })).revokedAt).toBeNull();
  });
});
