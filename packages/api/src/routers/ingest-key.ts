import { TRPCError } from "@trpc/server";
import { byIdInput, createIngestKeyInput } from "@switchyard/contracts";
import { recordAuditEvent } from "@switchyard/db";
import { generateIngestKey } from "@switchyard/ingest";
import { actorOf } from "../audit-actor";
import { createTRPCRouter, organizationProcedure, roleProcedure } from "../trpc";

const ingestKeySelect = {
  id: true,
  name: true,
  keyPrefix: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

/** Organization keys for OTLP senders (any OpenTelemetry SDK or collector). Only their SHA-256 is stored. */
export const ingestKeyRouter = createTRPCRouter({
  list: organizationProcedure.query(async ({ ctx }) => {
    const keys = await ctx.db.ingestKey.findMany({
      where: { organizationId: ctx.organization.id },
      select: ingestKeySelect,
      orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
    });
    return { keys, endpoint: ctx.publicUrl };
  }),

  /** Creates a key and returns it with the exporter settings. This is the only time the key is shown. */
  create: roleProcedure("admin")
    .input(createIngestKeyInput)
    .mutation(async ({ ctx, input }) => {
      const { key, hash, displayPrefix } = generateIngestKey();
      const created = await ctx.db.$transaction(async (tx) => {
        const row = await tx.ingestKey.create({
          data: {
            organizationId: ctx.organization.id,
            name: input.name,
            keyHash: hash,
            keyPrefix: displayPrefix,
            createdById: ctx.user.id,
          },
          select: ingestKeySelect,
        });
        await recordAuditEvent(tx, {
          organizationId: ctx.organization.id,
          action: "ingest_key.create",
          ...actorOf(ctx),
          target: { type: "ingest_key", id: row.id, label: row.name },
          metadata: { keyPrefix: displayPrefix },
        });
        return row;
      });
      return {
        ...created,
        key,
        endpoint: ctx.publicUrl,
        exporterEnvironment: [
          `OTEL_EXPORTER_OTLP_ENDPOINT=${ctx.publicUrl}`,
          `OTEL_EXPORTER_OTLP_HEADERS=authorization=Bearer ${key}`,
        ].join("\n"),
      };
    }),

  revoke: roleProcedure("admin")
    .input(byIdInput)
    .mutation(async ({ ctx, input }) => {
      await ctx.db.$transaction(async (tx) => {
        const key = await tx.ingestKey.findFirst({
          where: { id: input.id, organizationId: ctx.organization.id },
          select: { id: true, name: true, revokedAt: true },
        });
        if (!key) throw new TRPCError({ code: "NOT_FOUND", message: "Ingest key not found." });
        if (key.revokedAt) return;
        await tx.ingestKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
        await recordAuditEvent(tx, {
          organizationId: ctx.organization.id,
          action: "ingest_key.revoke",
          ...actorOf(ctx),
          target: { type: "ingest_key", id: key.id, label: key.name },
        });
      });
    }),
});
