import { getDb } from "@switchyard/db";

export const dynamic = "force-dynamic";

/** Liveness and readiness for load balancers and the demo command: the database must answer. */
export async function GET() {
  try {
    await getDb().$queryRaw`SELECT 1`;
    return Response.json({ status: "ok" });
  } catch (error) {
    return Response.json(
      { status: "unavailable", reason: `database: ${(error as Error).message}` },
      { status: 503 },
    );
  }
}
