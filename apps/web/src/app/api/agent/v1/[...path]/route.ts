import { getDb } from "@switchyard/db";
import { handleAgentRequest } from "@switchyard/traffic";
import { getRevisionNotifier } from "@/server/revision-notifier";

// A config watch is held open for up to 60 s; nothing here may be cached or statically rendered.
export const dynamic = "force-dynamic";

function handler(request: Request) {
  return handleAgentRequest(request, { db: getDb(), notifier: getRevisionNotifier() });
}

export { handler as GET, handler as POST };
