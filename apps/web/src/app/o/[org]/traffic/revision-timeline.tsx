"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { MutationError } from "@/components/mutation-error";
import { useOrganization } from "@/components/organization-context";
import { Alert, Button, Card, cx, Loading } from "@/components/ui";
import { messageOf } from "@/trpc/errors";
import { useTRPC } from "@/trpc/react";
import { PropagationBadge } from "./propagation";

export function RevisionTimeline({ groupId, latest }: { groupId: string; latest: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can } = useOrganization();
  const revisions = useQuery(trpc.traffic.revisions.queryOptions({ groupId, limit: 20 }));
  const [compare, setCompare] = useState<{ from: number; to: number } | null>(null);
  const revert = useMutation(
    trpc.traffic.revert.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.traffic.pathKey() }),
    }),
  );

  if (revisions.isPending) return <Loading />;
  if (revisions.error) return <Alert>{messageOf(revisions.error)}</Alert>;

  return (
    <Card title="Timeline">
      <MutationError error={revert.error} fields={[]} />
      <ol className="divide-y divide-slate-100">
        {revisions.data.map((revision) => (
          <li
            key={revision.id}
            className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm"
            data-testid={`revision-${revision.number}`}
          >
            <div>
              <p>
                <strong>#{revision.number}</strong> {revision.message}
              </p>
              <p className="text-xs text-slate-500">
                {revision.authorLabel} · {revision.createdAt.toLocaleString()}
              </p>
              <div className="mt-1">
                <PropagationBadge status={revision.status} />
              </div>
            </div>
            <div className="flex gap-2">
              {revision.parentNumber !== null && (
                <Button
                  variant="secondary"
                  onClick={() => setCompare({ from: revision.parentNumber!, to: revision.number })}
                >
                  Changes
                </Button>
              )}
              {revision.number !== latest && (
                <Button variant="secondary" onClick={() => setCompare({ from: revision.number, to: latest })}>
                  Compare with #{latest}
                </Button>
              )}
              {can("operator") && revision.number !== latest && (
                <Button
                  variant="danger"
                  disabled={revert.isPending}
                  onClick={() => revert.mutate({ groupId, baseNumber: latest, toNumber: revision.number })}
                >
                  Revert to #{revision.number}
                </Button>
              )}
            </div>
          </li>
        ))}
      </ol>
      {compare && <RevisionDiff groupId={groupId} {...compare} onClose={() => setCompare(null)} />}
    </Card>
  );
}

function RevisionDiff({
  groupId,
  from,
  to,
  onClose,
}: {
  groupId: string;
  from: number;
  to: number;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const diff = useQuery(trpc.traffic.diff.queryOptions({ groupId, from, to }));
  // The diff opens below the whole timeline, out of sight of a "Changes" button higher up (always so on a
  // phone): bring it into view and move focus to it, so the click visibly does something.
  const region = useRef<HTMLElement>(null);
  useEffect(() => {
    region.current?.scrollIntoView({ block: "nearest" });
    region.current?.focus({ preventScroll: true });
  }, [from, to]);
  return (
    <section
      ref={region}
      tabIndex={-1}
      aria-label={`Changes from revision ${from} to ${to}`}
      className="mt-4 rounded-md border border-slate-200 focus:outline-none"
    >
      <header className="flex items-center justify-between border-b border-slate-200 px-3 py-2 text-sm">
        <span>
          Revision {from} → {to}
        </span>
        <Button variant="secondary" onClick={onClose}>
          Close
        </Button>
      </header>
      {diff.isPending ? (
        <Loading />
      ) : diff.error ? (
        <Alert>{messageOf(diff.error)}</Alert>
      ) : (
        <pre className="max-h-96 overflow-auto p-3 font-mono text-xs">
          {diff.data.map((line, index) => (
            <div
              key={index}
              className={cx(
                line.kind === "added" && "bg-emerald-50 text-emerald-900",
                line.kind === "removed" && "bg-red-50 text-red-900",
              )}
            >
              {line.kind === "added" ? "+ " : line.kind === "removed" ? "- " : "  "}
              {line.text}
            </div>
          ))}
        </pre>
      )}
    </section>
  );
}
