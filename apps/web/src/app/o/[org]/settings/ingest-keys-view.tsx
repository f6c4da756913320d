"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { createIngestKeyInput } from "@switchyard/contracts";
import type { RouterOutputs } from "@switchyard/api";
import { CopyButton } from "@/components/copy-button";
import { ConfirmButton, ListTable } from "@/components/list-table";
import { MutationError } from "@/components/mutation-error";
import { ShownOnce } from "@/components/shown-once";
import { useOrganization } from "@/components/organization-context";
import { Alert, Badge, Button, Card, Field, Loading } from "@/components/ui";
import { useZodForm } from "@/components/use-zod-form";
import { fieldErrorsOf, messageOf } from "@/trpc/errors";
import { useTRPC } from "@/trpc/react";

type CreatedKey = RouterOutputs["ingestKey"]["create"];

/** Keys for sending OTLP traces and metrics from any OpenTelemetry SDK or collector. */
export function IngestKeysView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can } = useOrganization();
  const keys = useQuery(trpc.ingestKey.list.queryOptions());
  const form = useZodForm(createIngestKeyInput, { name: "" });
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const create = useMutation(
    trpc.ingestKey.create.mutationOptions({
      onSuccess: async (key) => {
        setCreated(key);
        form.reset();
        await queryClient.invalidateQueries(trpc.ingestKey.list.queryFilter());
      },
      onError: (error) => form.setServerErrors(fieldErrorsOf(error)),
    }),
  );
  const revoke = useMutation(
    trpc.ingestKey.revoke.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.ingestKey.list.queryFilter()),
    }),
  );

  return (
    <Card title="Ingest keys">
      {keys.isPending ? (
        <Loading />
      ) : keys.error ? (
        <Alert>{messageOf(keys.error)}</Alert>
      ) : (
        <div className="space-y-4">
          <p className="text-sm text-slate-600">
            Point any OpenTelemetry exporter (OTLP/HTTP, protobuf or JSON) at{" "}
            <code className="font-mono text-xs">{keys.data.endpoint}</code> with a key below. Gateway agents
            use their own token and need no key.
          </p>
          {revoke.error && <Alert>{messageOf(revoke.error)}</Alert>}
          {keys.data.keys.length === 0 ? (
            <p className="text-sm text-slate-600">No ingest keys yet.</p>
          ) : (
            <ListTable columns={["Name", "Key", "Last used", "Status"]} actions={can("admin")}>
              {keys.data.keys.map((key) => (
                <tr key={key.id}>
                  <td className="py-2 pr-4 font-medium">{key.name}</td>
                  <td className="py-2 pr-4 font-mono text-xs text-slate-600">{key.keyPrefix}…</td>
                  <td className="py-2 pr-4 text-slate-600">
                    {key.lastUsedAt ? key.lastUsedAt.toLocaleString() : "never"}
                  </td>
                  <td className="py-2 pr-4">
                    {key.revokedAt ? <Badge tone="gray">revoked</Badge> : <Badge tone="green">active</Badge>}
                  </td>
                  {can("admin") && (
                    <td className="py-2 text-right">
                      {!key.revokedAt && (
                        <ConfirmButton
                          question={`Revoke ${key.name}? Senders using it are refused within seconds.`}
                          onConfirm={() => revoke.mutate({ id: key.id })}
                          disabled={revoke.isPending}
                        >
                          Revoke
                        </ConfirmButton>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </ListTable>
          )}
          {can("admin") && (
            <form
              noValidate
              aria-label="Create an ingest key"
              className="flex flex-wrap items-start gap-3 border-t border-slate-200 pt-4"
              onSubmit={(e) => {
                e.preventDefault();
                const data = form.validate();
                if (data) create.mutate(data);
              }}
            >
              <div className="min-w-56 flex-1">
                <Field label="Key name" placeholder="checkout-service" {...form.fieldProps("name")} />
              </div>
              <Button type="submit" className="mt-6" disabled={create.isPending}>
                Create key
              </Button>
            </form>
          )}
          <MutationError error={create.error} fields={["name"]} />
          {created && (
            <ShownOnce
              what={`Key ${created.name}`}
              testId="ingest-key"
              onDone={() => setCreated(null)}
              actions={
                <>
                  <CopyButton text={created.exporterEnvironment} label="Copy settings" />
                  <CopyButton text={created.key} label="Copy key" />
                </>
              }
            >
              <p className="text-sm text-amber-900">Exporter settings:</p>
              <pre className="overflow-x-auto rounded bg-slate-900 p-3 font-mono text-xs text-slate-100">
                {created.exporterEnvironment}
              </pre>
            </ShownOnce>
          )}
        </div>
      )}
    </Card>
  );
}
