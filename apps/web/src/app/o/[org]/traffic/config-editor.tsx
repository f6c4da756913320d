"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { parseGatewayConfig } from "@switchyard/contracts";
import { MutationError } from "@/components/mutation-error";
import { Button, Field } from "@/components/ui";
import { useTRPC } from "@/trpc/react";

/**
 * The whole configuration as JSON, checked as you type with the same schema the agents use, so every
 * problem is listed with its field before anything is sent.
 */
export function ConfigEditor({
  groupId,
  baseNumber,
  initial,
  onDone,
}: {
  groupId: string;
  baseNumber: number | null;
  initial: Record<string, unknown>;
  onDone?: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [text, setText] = useState(() => JSON.stringify(initial, null, 2));
  const [message, setMessage] = useState("");
  const commit = useMutation(
    trpc.traffic.commit.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.traffic.pathKey() });
        onDone?.();
      },
    }),
  );

  const check = useMemo(() => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      return { ok: false as const, issues: [{ path: "(document)", message: (error as Error).message }] };
    }
    if (!json || typeof json !== "object" || Array.isArray(json)) {
      return { ok: false as const, issues: [{ path: "(document)", message: "must be a JSON object" }] };
    }
    const parsed = parseGatewayConfig(json);
    return parsed.ok
      ? { ok: true as const, json: json as Record<string, unknown> }
      : { ok: false as const, issues: parsed.issues };
  }, [text]);

  return (
    <form
      noValidate
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        if (check.ok)
          commit.mutate({ groupId, baseNumber, config: check.json, message: message || undefined });
      }}
    >
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Configuration (JSON)</span>
        <textarea
          spellCheck={false}
          rows={16}
          aria-invalid={!check.ok}
          aria-describedby="config-issues"
          value={text}
          onChange={(e) => setText(e.target.value)}
          className="mt-1 block w-full rounded-md border border-slate-300 p-3 font-mono text-xs"
        />
      </label>
      <div id="config-issues" aria-live="polite">
        {check.ok ? (
          <p className="text-xs text-emerald-700">Valid configuration.</p>
        ) : (
          <ul className="space-y-0.5 text-xs text-red-700">
            {check.issues.slice(0, 20).map((issue) => (
              <li key={`${issue.path}:${issue.message}`}>
                <code>{issue.path}</code>: {issue.message}
              </li>
            ))}
          </ul>
        )}
      </div>
      <Field
        label="Change message (optional)"
        name="message"
        value={message}
        onChange={(e) => setMessage(e.target.value)}
      />
      <Button type="submit" disabled={!check.ok || commit.isPending}>
        {baseNumber === null ? "Commit first revision" : `Commit on top of revision ${baseNumber}`}
      </Button>
      <MutationError error={commit.error} fields={[]} />
    </form>
  );
}
