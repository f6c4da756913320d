import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@switchyard/test-fixtures";
import { createAuth } from "./auth";

let testDb: TestDatabase;
let auth: ReturnType<typeof createAuth>;

beforeAll(async () => {
  testDb = await createTestDatabase();
  auth = createAuth({
    db: testDb.db,
    secret: "throttle-test-secret-0123456789abcdef",
    baseURL: "http://localhost:3999",
  });
  await auth.api.signUpEmail({
    body: { email: "sam@example.com", name: "Sam", password: "right-password-1" },
  });
});

afterAll(() => testDb?.drop());

/** Through the HTTP handler, as a browser would: we check the real status and Retry-After header. */
async function signIn(password: string, ip = "203.0.113.7") {
  const response = await auth.handler(
    new Request("http://localhost:3999/api/auth/sign-in/email", {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": ip, origin: "http://localhost:3999" },
      body: JSON.stringify({ email: "sam@example.com", password }),
    }),
  );
  return { status: response.status, retryAfter: response.headers.get("retry-after") };
}

describe("failed sign-in throttle", () => {
  it("refuses the sixth quick failure, even with the right password, and says when to retry", async () => {
    for (let i = 0; i < 5; i++) expect((await signIn("wrong-password")).status).toBe(401);
    const sixth = await signIn("right-password-1");
    expect(sixth.status).toBe(429);
    expect(Number(sixth.retryAfter)).toBeGreaterThan(0);
  });

  it("does not lock the same account out for a different client", async () => {
    expect((await signIn("right-password-1", "198.51.100.9")).status).toBe(200);
  });

  it("a success clears the account's failures", async () => {
    for (let i = 0; i < 4; i++) expect((await signIn("wrong", "192.0.2.44")).status).toBe(401);
    expect((await signIn("right-password-1", "192.0.2.44")).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await signIn("wrong", "192.0.2.44")).status).toBe(401);
    expect((await signIn("right-password-1", "192.0.2.44")).status).toBe(200);
  });
});
