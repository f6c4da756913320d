"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import {
  alertRuleTemplates,
  alertSignals,
  alertThresholdRanges,
  createAlertRuleInput,
  type AlertSignal,
} from "@switchyard/contracts";
import type { RouterOutputs } from "@switchyard/api";
import { useOrganization } from "@/components/organization-context";
import { MutationError } from "@/components/mutation-error";
import { Button, Field, Select } from "@/components/ui";
import { useZodForm } from "@/components/use-zod-form";
import { fieldErrorsOf } from "@/trpc/errors";
import { useTRPC } from "@/trpc/react";
import { signalLabels } from "../alerts-parts";

type Rule = RouterOutputs["alertRule"]["list"][number];
type Severity = "CRITICAL" | "WARNING" | "INFO";

type RuleValues = {
  name: string;
  service: string;
  route: string;
  version: string;
  signal: AlertSignal;
  comparison: "ABOVE" | "BELOW";
  threshold: string;
  windowSeconds: string;
  forSeconds: string;
  severity: Severity;
  enabled: boolean;
  channelIds: string[];
};

const number = (text: string) => (text.trim() === "" ? Number.NaN : Number(text));

function toInput(values: RuleValues) {
  return {
    ...values,
    threshold: number(values.threshold),
    windowSeconds: number(values.windowSeconds),
    forSeconds: number(values.forSeconds),
  };
}

function valuesOf(rule: Rule | null): RuleValues {
  return {
    name: rule?.name ?? "",
    service: rule?.service ?? "",
    route: rule?.route ?? "",
    version: rule?.version ?? "",
    signal: rule?.signal ?? "ERROR_RATE",
    comparison: rule?.comparison ?? "ABOVE",
    threshold: String(rule?.threshold ?? 0.05),
    windowSeconds: String(rule?.windowSeconds ?? 60),
    forSeconds: String(rule?.forSeconds ?? 60),
    severity: rule?.severity ?? "WARNING",
    enabled: rule?.enabled ?? true,
    channelIds: rule?.channelIds ?? [],
  };
}

const fields = [
  "name",
  "service",
  "route",
  "version",
  "signal",
  "comparison",
  "threshold",
  "windowSeconds",
  "forSeconds",
  "severity",
  "channelIds",
];

/** Creates or edits a rule; every field is checked with the API's own schema as people type. */
export function RuleForm({ rule, onDone }: { rule: Rule | null; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { slug } = useOrganization();
  const channels = useQuery(trpc.notificationChannel.list.queryOptions());
  const form = useZodForm(createAlertRuleInput, valuesOf(rule), toInput);
  const options = {
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: trpc.alertRule.pathKey() });
      onDone();
    },
    onError: (error: unknown) => form.setServerErrors(fieldErrorsOf(error)),
  };
  const create = useMutation(trpc.alertRule.create.mutationOptions(options));
  const update = useMutation(trpc.alertRule.update.mutationOptions(options));
  const saving = create.isPending || update.isPending;
  const range = alertThresholdRanges[form.values.signal];

  function applyTemplate(template: (typeof alertRuleTemplates)[number]) {
    form.reset({
      ...form.values,
      name: template.name,
      signal: template.signal,
      comparison: "comparison" in template ? template.comparison : "ABOVE",
      threshold: String(template.threshold),
      windowSeconds: String(template.windowSeconds),
      forSeconds: String(template.forSeconds),
      severity: template.severity,
    });
  }

  return (
    <form
      noValidate
      aria-label={rule ? `Edit ${rule.name}` : "New alert rule"}
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        const data = form.validate();
        if (!data) return;
        if (rule) update.mutate({ ...data, id: rule.id });
        else create.mutate(data);
      }}
    >
      {!rule && (
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <span className="text-slate-600">Start from a template:</span>
          {alertRuleTemplates.map((template) => (
            <Button
              key={template.name}
              type="button"
              variant="secondary"
              onClick={() => applyTemplate(template)}
            >
              {template.name}
            </Button>
          ))}
        </div>
      )}
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Rule name" placeholder="Orders error rate" {...form.fieldProps("name")} />
        <Select
          label="Severity"
          name="severity"
          value={form.values.severity}
          onChange={(e) => form.setValue("severity", e.target.value as Severity)}
        >
          <option value="CRITICAL">Critical</option>
          <option value="WARNING">Warning</option>
          <option value="INFO">Info</option>
        </Select>
      </div>
      <fieldset className="grid gap-3 sm:grid-cols-3">
        <legend className="mb-1 text-sm font-medium text-slate-700">Scope (empty means any)</legend>
        <Field label="Service" placeholder="any service" {...form.fieldProps("service")} />
        <Field label="Route" placeholder="any route" {...form.fieldProps("route")} />
        <Field label="Version" placeholder="any version" {...form.fieldProps("version")} />
      </fieldset>
      <fieldset className="grid gap-3 sm:grid-cols-5">
        <legend className="mb-1 text-sm font-medium text-slate-700">Condition</legend>
        <Select
          label="Signal"
          name="signal"
          value={form.values.signal}
          onChange={(e) => form.setValue("signal", e.target.value as AlertSignal)}
        >
          {alertSignals.map((signal) => (
            <option key={signal} value={signal}>
              {signalLabels[signal]}
            </option>
          ))}
        </Select>
        <Select
          label="When the value is"
          name="comparison"
          value={form.values.comparison}
          onChange={(e) => form.setValue("comparison", e.target.value as "ABOVE" | "BELOW")}
        >
          <option value="ABOVE">above</option>
          <option value="BELOW">below</option>
        </Select>
        <Field
          label={`Threshold (${range.unit})`}
          inputMode="decimal"
          hint={`${range.min} to ${range.max}${form.values.signal === "ERROR_RATE" ? "; 0.05 is 5 %" : ""}`}
          {...form.fieldProps("threshold")}
        />
        <Field
          label="Window (s)"
          inputMode="numeric"
          hint="the data each evaluation reads"
          {...form.fieldProps("windowSeconds")}
        />
        <Field
          label="For (s)"
          inputMode="numeric"
          hint="held this long before firing"
          {...form.fieldProps("forSeconds")}
        />
      </fieldset>
      <fieldset className="text-sm">
        <legend className="mb-1 font-medium text-slate-700">Notify</legend>
        {channels.data?.length === 0 ? (
          <p className="text-slate-600">
            No channels yet: incidents will show on the Alerts page only.{" "}
            <Link className="font-medium text-indigo-700 hover:underline" href={`/o/${slug}/alerts/channels`}>
              Add a Slack channel
            </Link>
            .
          </p>
        ) : (
          <div className="flex flex-wrap gap-4">
            {(channels.data ?? []).map((channel) => (
              <label key={channel.id} className="flex items-center gap-1.5">
                <input
                  type="checkbox"
                  checked={form.values.channelIds.includes(channel.id)}
                  onChange={(e) =>
                    form.setValue(
                      "channelIds",
                      e.target.checked
                        ? [...form.values.channelIds, channel.id]
                        : form.values.channelIds.filter((id) => id !== channel.id),
                    )
                  }
                />
                {channel.name}
              </label>
            ))}
          </div>
        )}
        {form.errorFor("channelIds") && (
          <p role="alert" className="mt-1 text-xs text-red-700">
            {form.errorFor("channelIds")}
          </p>
        )}
      </fieldset>
      <label className="flex items-center gap-1.5 text-sm">
        <input
          type="checkbox"
          checked={form.values.enabled}
          onChange={(e) => form.setValue("enabled", e.target.checked)}
        />
        Enabled
      </label>
      <div className="flex gap-2">
        <Button type="submit" disabled={saving}>
          {rule ? "Save rule" : "Create rule"}
        </Button>
        <Button type="button" variant="secondary" onClick={onDone}>
          Cancel
        </Button>
      </div>
      <MutationError error={create.error ?? update.error} fields={fields} />
    </form>
  );
}
