"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { createAlertSilenceInput } from "@switchyard/contracts";
import { MutationError } from "@/components/mutation-error";
import { Alert, Button, Field, Select } from "@/components/ui";
import { useZodForm } from "@/components/use-zod-form";
import { fieldErrorsOf } from "@/trpc/errors";
import { useTRPC } from "@/trpc/react";

const durations = [
  { minutes: 15, label: "15 minutes" },
  { minutes: 60, label: "1 hour" },
  { minutes: 240, label: "4 hours" },
  { minutes: 1440, label: "1 day" },
  { minutes: 10080, label: "7 days" },
];

type SilenceValues = {
  target: "rule" | "scope";
  ruleId: string;
  service: string;
  route: string;
  version: string;
  reason: string;
  durationMinutes: string;
};

/** A silence covers one rule, or a scope; only the chosen kind's fields are sent. */
function toInput(values: SilenceValues) {
  const byRule = values.target === "rule";
  return {
    ruleId: byRule && values.ruleId ? values.ruleId : null,
    service: byRule ? "" : values.service,
    route: byRule ? "" : values.route,
    version: byRule ? "" : values.version,
    reason: values.reason,
    durationMinutes: Number(values.durationMinutes),
  };
}

/** Silence notifications for a while, by rule or by scope; prefilled from an incident when given. */
export function SilenceForm({
  ruleId = "",
  service = "",
  onDone,
}: {
  ruleId?: string;
  service?: string;
  onDone?: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const rules = useQuery(trpc.alertRule.list.queryOptions());
  const initial: SilenceValues = {
    target: "rule",
    ruleId,
    service,
    route: "",
    version: "",
    reason: "",
    durationMinutes: "60",
  };
  const form = useZodForm(createAlertSilenceInput, initial, toInput);
  const [created, setCreated] = useState<Date | null>(null);
  const silence = useMutation(
    trpc.incident.silence.mutationOptions({
      onSuccess: async (result) => {
        setCreated(result.endsAt);
        form.reset();
        await queryClient.invalidateQueries(trpc.incident.silences.queryFilter());
        onDone?.();
      },
      onError: (error) => form.setServerErrors(fieldErrorsOf(error)),
    }),
  );
  const byRule = form.values.target === "rule";

  return (
    <form
      noValidate
      aria-label="Silence notifications"
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        const data = form.validate();
        if (data) silence.mutate(data);
      }}
    >
      <fieldset className="flex flex-wrap gap-4 text-sm">
        <legend className="mb-1 font-medium text-slate-700">Silence</legend>
        {(["rule", "scope"] as const).map((target) => (
          <label key={target} className="flex items-center gap-1.5">
            <input
              type="radio"
              name="silence-target"
              checked={form.values.target === target}
              onChange={() => form.setValue("target", target)}
            />
            {target === "rule" ? "one rule" : "a scope (service, route, version)"}
          </label>
        ))}
      </fieldset>
      <div className="grid gap-3 sm:grid-cols-3">
        {byRule ? (
          <div>
            <Select
              label="Rule"
              name="ruleId"
              value={form.values.ruleId}
              onChange={(e) => form.setValue("ruleId", e.target.value)}
            >
              <option value="">Choose a rule</option>
              {(rules.data ?? []).map((rule) => (
                <option key={rule.id} value={rule.id}>
                  {rule.name}
                </option>
              ))}
            </Select>
            {form.errorFor("ruleId") && (
              <p role="alert" className="mt-1 text-xs text-red-700">
                {form.errorFor("ruleId")}
              </p>
            )}
          </div>
        ) : (
          <>
            <Field label="Service" placeholder="any" {...form.fieldProps("service")} />
            <Field label="Route" placeholder="any" {...form.fieldProps("route")} />
            <Field label="Version" placeholder="any" {...form.fieldProps("version")} />
          </>
        )}
      </div>
      {!byRule && form.errorFor("ruleId") && (
        <p role="alert" className="text-xs text-red-700">
          Name at least a service, a route or a version.
        </p>
      )}
      <div className="grid gap-3 sm:grid-cols-[2fr_1fr_auto] sm:items-start">
        <Field label="Reason" placeholder="Deploying orders v2" {...form.fieldProps("reason")} />
        <Select
          label="For"
          name="durationMinutes"
          value={form.values.durationMinutes}
          onChange={(e) => form.setValue("durationMinutes", e.target.value)}
        >
          {durations.map((d) => (
            <option key={d.minutes} value={d.minutes}>
              {d.label}
            </option>
          ))}
        </Select>
        <Button type="submit" className="sm:mt-6" disabled={silence.isPending}>
          Silence
        </Button>
      </div>
      <MutationError
        error={silence.error}
        fields={["ruleId", "service", "route", "version", "reason", "durationMinutes"]}
      />
      {created && <Alert tone="success">Silenced until {created.toLocaleString()}.</Alert>}
    </form>
  );
}
