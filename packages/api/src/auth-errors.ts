import { TRPCError, type TRPC_ERROR_CODE_KEY } from "@trpc/server";
import { APIError } from "better-auth/api";

const STATUS_TO_CODE: Record<number, TRPC_ERROR_CODE_KEY> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  429: "TOO_MANY_REQUESTS",
};

/** better-auth's server API throws its own errors; give the client the same status and message through tRPC. */
export function rethrowAuthError(error: unknown): never {
  if (error instanceof APIError) {
    const code = STATUS_TO_CODE[error.statusCode] ?? "INTERNAL_SERVER_ERROR";
    throw new TRPCError({ code, message: error.body?.message ?? error.message, cause: error });
  }
  throw error;
}
