import { z } from "zod";

/**
 * Inputs of the control plane's API (tRPC), shared by the server, which validates every call with them, and
 * the web forms, which validate as the user types with the same rules.
 */

/** Organization roles, most powerful first. */
export const organizationRoles = ["owner", "admin", "operator", "viewer"] as const;
export const organizationRoleSchema = z.enum(organizationRoles);

export const slugSchema = z
  .string()
  .trim()
  .min(2, "Use at least 2 characters")
  .max(40, "Use at most 40 characters")
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, "Use lowercase letters, digits and dashes, not at either end");

export const emailSchema = z.string().trim().toLowerCase().pipe(z.email("Enter a valid email address"));

export const passwordSchema = z
  .string()
  .min(10, "Use at least 10 characters")
  .max(128, "Use at most 128 characters")
  .refine((p) => /[A-Za-z]/.test(p) && /[0-9]/.test(p), "Use both letters and digits");

export const idSchema = z.string().trim().min(1, "Required").max(64, "Too long");
export const resourceNameSchema = z
  .string()
  .trim()
  .min(2, "Use at least 2 characters")
  .max(60, "Use at most 60 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "Use letters, digits, dots, dashes and underscores");

export const signUpInput = z.object({
  name: z.string().trim().min(1, "Enter your name").max(80, "Use at most 80 characters"),
  email: emailSchema,
  password: passwordSchema,
});

export const signInInput = z.object({
  email: emailSchema,
  password: z.string().min(1, "Enter your password"),
});

export const createOrganizationInput = z.object({
  name: z.string().trim().min(2, "Use at least 2 characters").max(80, "Use at most 80 characters"),
  slug: slugSchema,
});

/** Owners are made by the owner handing over, not by invitation. */
export const inviteMemberInput = z.object({
  email: emailSchema,
  role: z.enum(["admin", "operator", "viewer"]),
});

export const updateMemberRoleInput = z.object({ memberId: idSchema, role: organizationRoleSchema });

export const byIdInput = z.object({ id: idSchema });

export const createGatewayGroupInput = z.object({
  name: resourceNameSchema,
  description: z.string().trim().max(280, "Use at most 280 characters").optional(),
});

export const createAgentInput = z.object({ groupId: idSchema, name: resourceNameSchema });

/** An organization ingest key for OTLP senders; the name says which service or team holds it. */
export const createIngestKeyInput = z.object({ name: resourceNameSchema });

export const listAgentsInput = z.object({ groupId: idSchema.optional() }).default({});

export const listAuditEventsInput = z
  .object({
    cursor: idSchema.optional(),
    limit: z.number().int().min(1).max(200).default(50),
    action: z.string().trim().max(64).optional(),
  })
  .default({ limit: 50 });
