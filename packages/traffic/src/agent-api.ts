import {
  agentApiPaths,
  configAckSchema,
  configWatchQuerySchema,
  heartbeatSchema,
  type ConfigRevision,
  type ConfigWatchResponse,
} from "@switchyard/contracts";
import { bearerToken, findAgentByToken } from "./agent-token";
import { recordAuditEvent, type Database, type Prisma } from "@switchyard/db";
import type { z } from "zod";
import type { RevisionNotifier } from "./notifier";
import { latestRevisionAfter } from "./revisions";

export interface AgentApiDeps {
  db: Database;
  notifier: RevisionNotifier;
}

type Agent = NonNullable<Awaited<ReturnType<typeof findAgentByToken>>>;

const MAX_BODY_BYTES = 1024 * 1024;
// Without Redis a watch cannot be woken, so it looks for new revisions itself at this interval.
const FALLBACK_POLL_MS = 1000;

function errorResponse(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ");
}

/**
 * The control plane's side of the agent protocol (see `agentApiPaths` in the contracts): one entry point,
 * so the web app mounts it with a single route and tests can serve it from a plain HTTP server.
 */
export async function handleAgentRequest(request: Request, deps: AgentApiDeps): Promise<Response> {
  // An ack's propagation time ends when it reaches the control plane, not after our own lookups below.
  const receivedAt = new Date();
  const token = bearerToken(request.headers.get("authorization"));
  const agent = token ? await findAgentByToken(deps.db, token) : null;
  if (!agent) return errorResponse(401, "unauthorized", "Unknown or revoked agent token.");

  const { pathname } = new URL(request.url);
  if (request.method === "GET" && pathname === agentApiPaths.config) return watchConfig(request, agent, deps);
  if (request.method === "POST" && pathname === agentApiPaths.ack)
    return acknowledge(request, agent, deps, receivedAt);
  if (request.method === "POST" && pathname === agentApiPaths.heartbeat)
    return heartbeat(request, agent, deps);
  return errorResponse(404, "not_found", `No agent API at ${request.method} ${pathname}.`);
}

async function readJson(
  request: Request,
): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > MAX_BODY_BYTES) {
    return {
      ok: false,
      response: errorResponse(413, "too_large", `Bodies are limited to ${MAX_BODY_BYTES} bytes.`),
    };
  }
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) {
    return {
      ok: false,
      response: errorResponse(413, "too_large", `Bodies are limited to ${MAX_BODY_BYTES} bytes.`),
    };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, response: errorResponse(400, "bad_request", "The body is not valid JSON.") };
  }
}

async function watchConfig(request: Request, agent: Agent, deps: AgentApiDeps): Promise<Response> {
  const query = configWatchQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) return errorResponse(400, "bad_request", describeIssues(query.error));
  const { after, waitSeconds } = query.data;
  const deadline = Date.now() + waitSeconds * 1000;

  // Listen before reading, so a revision committed in between still wakes this watch.
  const wait = deps.notifier.waitFor(agent.groupId, after, waitSeconds * 1000, request.signal);
  const notifierUp = await wait.ready.then(
    () => true,
    () => false,
  );
  let revision = await readRevisionAfter(deps.db, agent.groupId, after);
  if (revision) wait.cancel();
  else if (notifierUp) {
    const announcement = await wait.result;
    // The committer sends the revision along; only a bare announcement (the publish job's) is read back.
    if (announcement)
      revision = announcement.revision ?? (await readRevisionAfter(deps.db, agent.groupId, after));
  } else {
    wait.cancel();
    while (!revision && Date.now() < deadline && !request.signal.aborted) {
      await new Promise((r) => setTimeout(r, Math.min(FALLBACK_POLL_MS, Math.max(0, deadline - Date.now()))));
      revision = await readRevisionAfter(deps.db, agent.groupId, after);
    }
  }
  if (!revision) return new Response(null, { status: 204 });
  const body: ConfigWatchResponse = { revision };
  return Response.json(body);
}

async function readRevisionAfter(
  db: Database,
  groupId: string,
  after: number,
): Promise<ConfigRevision | null> {
  const revision = await latestRevisionAfter(db, groupId, after);
  if (!revision) return null;
  return {
    number: revision.number,
    groupId: revision.groupId,
    createdAt: revision.createdAt.toISOString(),
    config: revision.config,
  };
}

async function acknowledge(
  request: Request,
  agent: Agent,
  deps: AgentApiDeps,
  receivedAt: Date,
): Promise<Response> {
  const body = await readJson(request);
  if (!body.ok) return body.response;
  const parsed = configAckSchema.safeParse(body.value);
  if (!parsed.success) return errorResponse(400, "bad_request", describeIssues(parsed.error));
  const ack = parsed.data;

  const revision = await deps.db.configRevision.findUnique({
    where: { groupId_number: { groupId: agent.groupId, number: ack.revision } },
    select: { id: true, createdAt: true },
  });
  if (!revision) {
    return errorResponse(404, "unknown_revision", `The agent's group has no revision ${ack.revision}.`);
  }
  await deps.db.$transaction(async (tx) => {
    // The first answer for a revision is the one that counts; a repeated ack (a retry) changes nothing.
    await tx.configAck.upsert({
      where: { agentId_revisionId: { agentId: agent.id, revisionId: revision.id } },
      update: {},
      create: {
        organizationId: agent.organizationId,
        agentId: agent.id,
        revisionId: revision.id,
        status: ack.status,
        errors: ack.errors ?? undefined,
        appliedAt: new Date(ack.appliedAt),
        receivedAt,
        propagationMs: Math.max(0, receivedAt.getTime() - revision.createdAt.getTime()),
      },
    });
    if (ack.status === "applied") {
      // Acks can arrive out of order; never move an agent back to an older revision.
      await tx.agent.updateMany({
        where: { id: agent.id, OR: [{ appliedRevision: null }, { appliedRevision: { lt: ack.revision } }] },
        data: { appliedRevision: ack.revision },
      });
    }
  });
  return new Response(null, { status: 204 });
}

async function heartbeat(request: Request, agent: Agent, deps: AgentApiDeps): Promise<Response> {
  const body = await readJson(request);
  if (!body.ok) return body.response;
  const parsed = heartbeatSchema.safeParse(body.value);
  if (!parsed.success) return errorResponse(400, "bad_request", describeIssues(parsed.error));
  const beat = parsed.data;

  await deps.db.$transaction(async (tx) => {
    // Only the heartbeat that actually flips the agent online records it, however many arrive at once.
    const cameOnline = await tx.agent.updateMany({
      where: { id: agent.id, status: { not: "ONLINE" } },
      data: { status: "ONLINE" },
    });
    await tx.agent.update({
      where: { id: agent.id },
      data: {
        lastSeenAt: new Date(),
        agentVersion: beat.agentVersion,
        hostname: beat.hostname,
        appliedRevision: beat.revisionInUse,
        configSource: beat.configSource,
        lastHeartbeat: beat as unknown as Prisma.InputJsonValue,
      },
    });
    if (cameOnline.count === 1) {
      await recordAuditEvent(tx, {
        organizationId: agent.organizationId,
        action: "agent.online",
        actor: null,
        target: { type: "agent", id: agent.id, label: agent.name },
        metadata: { hostname: beat.hostname, agentVersion: beat.agentVersion },
      });
    }
  });
  return new Response(null, { status: 204 });
}
