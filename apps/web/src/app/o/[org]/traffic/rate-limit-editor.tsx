"use client";

import { useMutation } from "@tanstack/react-query";
import type { RouterOutputs } from "@switchyard/api";
import {
  DEFAULT_API_KEY_HEADER,
  RATE_LIMIT_DEFAULTS,
  describeRateLimit,
  rateLimitFormSchema,
  rateLimitToForm,
  type RateLimitKeyType,
  type RateLimitPolicy,
} from "@switchyard/contracts";
import { MutationError } from "@/components/mutation-error";
import { Badge, Button, Field, Select } from "@/components/ui";
import { useZodForm } from "@/components/use-zod-form";
import { fieldErrorsOf } from "@/trpc/errors";
import { useTRPC } from "@/trpc/react";

type Fallbacks = RouterOutputs["traffic"]["current"]["sharedLimitFallbacks"];

const FIELDS = ["average", "burst", "periodMs", "keyType", "keyHeader", "shared"];

const KEY_LABELS: Record<RateLimitKeyType, string> = {
  ip: "Client IP",
  header: "A request header",
  api_key: "API key (header)",
};

/**
 * A route's limit as people read it: the numbers, what a bucket is per, whether the group's gateways share
 * it, and which gateways are deciding a shared limit with their own buckets right now (and why).
 */
export function RateLimitSummary({
  routeId,
  policy,
  fallbacks,
}: {
  routeId: string;
  policy: RateLimitPolicy | undefined;
  fallbacks: Fallbacks;
}) {
  if (!policy) return <span className="text-slate-500">none</span>;
  return (
    <div data-testid={`rate-limit-${routeId}`} className="space-y-1">
      <div className="flex flex-wrap items-center gap-2">
        <span>{describeRateLimit(policy)}</span>
        {policy.shared ? (
          <Badge tone="green">shared by the group&apos;s gateways</Badge>
        ) : (
          <Badge tone="gray">per gateway</Badge>
        )}
      </div>
      {policy.shared && fallbacks.length > 0 && (
        <ul aria-label={`Shared limit fallbacks of ${routeId}`} className="space-y-0.5 text-xs">
          {fallbacks.map((fallback) => (
            <li key={fallback.agentId} className="text-amber-800">
              <Badge tone="amber">local fallback</Badge> <strong>{fallback.name}</strong>: {fallback.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * Sets every field of a route's rate limit at once (a new revision), or removes it. Fields are checked with
 * the contracts' rules as people type; the server checks the same and names the field it refuses.
 */
export function RateLimitEditor({
  groupId,
  baseNumber,
  routeId,
  current,
  onChanged,
  onClose,
}: {
  groupId: string;
  baseNumber: number;
  routeId: string;
  current: RateLimitPolicy | undefined;
  onChanged: () => Promise<unknown>;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const form = useZodForm(rateLimitFormSchema, rateLimitToForm(current));
  const save = useMutation(
    trpc.traffic.setRateLimit.mutationOptions({
      onSettled: onChanged,
      onSuccess: onClose,
      onError: (error) => form.setServerErrors(fieldErrorsOf(error)),
    }),
  );
  const remove = useMutation(
    trpc.traffic.removeRateLimit.mutationOptions({ onSettled: onChanged, onSuccess: onClose }),
  );
  const busy = save.isPending || remove.isPending;
  const { keyType, shared } = form.values;
  const defaults = RATE_LIMIT_DEFAULTS;

  return (
    <form
      noValidate
      aria-label={`Rate limit of ${routeId}`}
      className="space-y-3 rounded-md border border-slate-200 bg-slate-50 p-4"
      onSubmit={(e) => {
        e.preventDefault();
        const fields = form.validate();
        if (fields) save.mutate({ groupId, baseNumber, routeId, ...fields });
      }}
    >
      <p className="text-xs text-slate-600">
        A token bucket: <em>burst</em> requests at once, refilled by <em>average</em> requests per period.
        {current ? "" : ` The gateway's defaults are filled in.`}
      </p>
      <div className="grid gap-3 sm:grid-cols-3">
        <Field
          label="Average"
          inputMode="decimal"
          hint={`Requests per period (default ${defaults.average})`}
          {...form.fieldProps("average")}
        />
        <Field
          label="Period (ms)"
          inputMode="numeric"
          hint={`Default ${defaults.periodMs} ms`}
          {...form.fieldProps("periodMs")}
        />
        <Field
          label="Burst"
          inputMode="numeric"
          hint={`Most requests at once (default ${defaults.burst})`}
          {...form.fieldProps("burst")}
        />
      </div>
      <div className="grid gap-3 sm:grid-cols-3">
        <div>
          <Select
            label="Counted per"
            name="keyType"
            value={keyType}
            onChange={(e) => form.setValue("keyType", e.target.value as RateLimitKeyType)}
          >
            {(Object.keys(KEY_LABELS) as RateLimitKeyType[]).map((type) => (
              <option key={type} value={type}>
                {KEY_LABELS[type]}
                {type === defaults.key.type ? " (default)" : ""}
              </option>
            ))}
          </Select>
          {form.errorFor("keyType") && (
            <span role="alert" className="mt-1 block text-xs text-red-700">
              {form.errorFor("keyType")}
            </span>
          )}
        </div>
        {keyType !== "ip" && (
          <Field
            label="Header name"
            placeholder={keyType === "api_key" ? DEFAULT_API_KEY_HEADER : "x-tenant"}
            hint={
              keyType === "api_key"
                ? `The header holding the key (default ${DEFAULT_API_KEY_HEADER})`
                : "Requests without it are limited by client IP"
            }
            {...form.fieldProps("keyHeader")}
          />
        )}
      </div>
      <label className="flex items-start gap-2 text-sm">
        <input
          type="checkbox"
          name="shared"
          className="mt-0.5"
          checked={shared}
          onChange={(e) => form.setValue("shared", e.target.checked)}
        />
        <span>
          <span className="font-medium text-slate-700">Shared by the group&apos;s gateways</span>
          <span className="block text-xs text-slate-500">
            One bucket per client across every gateway, kept in Redis (default off: each gateway counts on its
            own). A gateway that cannot reach Redis counts with its own bucket meanwhile and says so here.
          </span>
        </span>
      </label>
      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={busy}>
          Save rate limit
        </Button>
        {current && (
          <Button
            type="button"
            variant="danger"
            disabled={busy}
            onClick={() => remove.mutate({ groupId, baseNumber, routeId })}
          >
            Remove limit
          </Button>
        )}
        <Button type="button" variant="secondary" onClick={onClose}>
          Cancel
        </Button>
      </div>
      <MutationError error={save.error} fields={FIELDS} />
      <MutationError error={remove.error} fields={[]} />
    </form>
  );
}
