"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { healthThresholdsSchema, type HealthThresholds } from "@switchyard/contracts";
import { MutationError } from "@/components/mutation-error";
import { useOrganization } from "@/components/organization-context";
import { Alert, Button, Card, Field, Loading } from "@/components/ui";
import { fieldErrorsOf, messageOf } from "@/trpc/errors";
import { useTRPC } from "@/trpc/react";

type FormValues = Record<keyof HealthThresholds, string>;

/** Error rates are typed as percentages and stored as ratios. */
function toForm(t: HealthThresholds): FormValues {
  return {
    errorRateWarning: String(+(t.errorRateWarning * 100).toFixed(4)),
    errorRateCritical: String(+(t.errorRateCritical * 100).toFixed(4)),
    p99WarningMs: String(t.p99WarningMs),
    p99CriticalMs: String(t.p99CriticalMs),
  };
}

function fromForm(v: FormValues) {
  const number = (s: string) => (s.trim() === "" ? Number.NaN : Number(s));
  return {
    errorRateWarning: number(v.errorRateWarning) / 100,
    errorRateCritical: number(v.errorRateCritical) / 100,
    p99WarningMs: number(v.p99WarningMs),
    p99CriticalMs: number(v.p99CriticalMs),
  };
}

export function HealthThresholdsView() {
  const trpc = useTRPC();
  const thresholds = useQuery(trpc.telemetry.thresholds.queryOptions());
  return (
    <Card title="Health thresholds">
      <p className="mb-3 text-sm text-slate-600">
        A service is degraded past the warning line and critical past the critical line, on error rate or p99
        latency. The badges on the overview, the map and each service follow these.
      </p>
      {thresholds.isPending ? (
        <Loading />
      ) : thresholds.error ? (
        <Alert>{messageOf(thresholds.error)}</Alert>
      ) : (
        <ThresholdsForm initial={thresholds.data} />
      )}
    </Card>
  );
}

function ThresholdsForm({ initial }: { initial: HealthThresholds }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can } = useOrganization();
  const [values, setValues] = useState(() => toForm(initial));
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [saved, setSaved] = useState(false);
  const update = useMutation(
    trpc.telemetry.updateThresholds.mutationOptions({
      onSuccess: async () => {
        setSaved(true);
        await queryClient.invalidateQueries({ queryKey: trpc.telemetry.pathKey() });
      },
      onError: (error) => setErrors(fieldErrorsOf(error)),
    }),
  );
  const editable = can("admin");
  const field = (name: keyof HealthThresholds, label: string, hint: string) => (
    <Field
      label={label}
      name={name}
      inputMode="decimal"
      hint={hint}
      value={values[name]}
      error={errors[name]}
      disabled={!editable}
      onChange={(e) => {
        setValues({ ...values, [name]: e.target.value });
        setErrors({ ...errors, [name]: undefined });
        setSaved(false);
      }}
    />
  );

  return (
    <form
      className="space-y-3"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const parsed = healthThresholdsSchema.safeParse(fromForm(values));
        if (!parsed.success) {
          const next: Record<string, string | undefined> = {};
          for (const issue of parsed.error.issues) next[String(issue.path[0])] ??= issue.message;
          setErrors(next);
          return;
        }
        update.mutate(parsed.data);
      }}
    >
      <div className="grid gap-3 sm:grid-cols-2">
        {field("errorRateWarning", "Error rate warning (%)", "Default 1")}
        {field("errorRateCritical", "Error rate critical (%)", "Default 5")}
        {field("p99WarningMs", "p99 warning (ms)", "Default 500")}
        {field("p99CriticalMs", "p99 critical (ms)", "Default 1000")}
      </div>
      {editable ? (
        <div className="flex items-center gap-3">
          <Button type="submit" disabled={update.isPending}>
            {update.isPending ? "Saving…" : "Save thresholds"}
          </Button>
          {saved && (
            <span role="status" className="text-sm text-emerald-700">
              Saved.
            </span>
          )}
        </div>
      ) : (
        <p className="text-sm text-slate-500">Only admins can change the thresholds.</p>
      )}
      <MutationError
        error={update.error}
        fields={["errorRateWarning", "errorRateCritical", "p99WarningMs", "p99CriticalMs"]}
      />
    </form>
  );
}
