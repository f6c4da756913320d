import { headers } from "next/headers";
import { createAuth, type Auth } from "@switchyard/auth";
import { getDb } from "@switchyard/db";
import { webEnv } from "@/env";

const globalForAuth = globalThis as unknown as { switchyardAuth?: Auth };

export function getAuth(): Auth {
  globalForAuth.switchyardAuth ??= createAuth({
    db: getDb(),
    secret: webEnv().BETTER_AUTH_SECRET,
    baseURL: webEnv().SWITCHYARD_PUBLIC_URL,
  });
  return globalForAuth.switchyardAuth;
}

/** The session of the current request, or null. Reading the headers first marks the page as dynamic. */
export async function getSession() {
  const requestHeaders = await headers();
  return getAuth().api.getSession({ headers: requestHeaders });
}
