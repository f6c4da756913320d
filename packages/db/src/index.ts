export { createDb, getDb, type Database } from "./client";
export { recordAuditEvent, auditActions, type AuditAction, type AuditEventInput } from "./audit";
export * from "./generated/prisma/client";
