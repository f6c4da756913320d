"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import type { RouterOutputs } from "@switchyard/api";
import { rolloutPlanFormSchema, rolloutPlanToForm, type RolloutPlan } from "@switchyard/contracts";
import { MutationError } from "@/components/mutation-error";
import { Alert, Badge, Button, Field, Loading, cx } from "@/components/ui";
import { useZodForm } from "@/components/use-zod-form";
import { fieldErrorsOf, messageOf } from "@/trpc/errors";
import { useTRPC } from "@/trpc/react";
import { RolloutTimeline, STATUS_LABEL, STATUS_TONE, StepNumbersTable } from "./rollout-timeline";

type Overview = RouterOutputs["rollout"]["overview"];
type Run = Overview["runs"][number];

const PLAN_FIELDS = [
  "steps",
  "stepSeconds",
  "minRequests",
  "maxErrorRateIncreasePct",
  "maxP99Ratio",
  "p99SlackMs",
] as const;

const isActive = (run: Run | undefined): run is Run => run?.status === "running" || run?.status === "paused";

function useInvalidateRollout() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.rollout.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.traffic.pathKey() }),
    ]);
}

/** A refusal about the run or the service (not a plan field), e.g. "a rollout is already running". */
function RolloutRefusal({ error }: { error: unknown }) {
  if (!error) return null;
  const fields = fieldErrorsOf(error);
  const message = fields.serviceId ?? fields.runId ?? fields.groupId;
  if (message) {
    return (
      <div className="mt-3">
        <Alert>{message}</Alert>
      </div>
    );
  }
  return <MutationError error={error} fields={[...PLAN_FIELDS]} />;
}

/**
 * The automated rollout of one split service: the plan editor (or the running plan's progress and
 * controls) and the timeline of the latest run with the numbers behind each decision.
 */
export function RolloutPanel({
  groupId,
  serviceId,
  readOnly,
}: {
  groupId: string;
  serviceId: string;
  readOnly: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const overview = useQuery({
    ...trpc.rollout.overview.queryOptions({ groupId, serviceId }),
    refetchInterval: (query) => (isActive(query.state.data?.runs[0]) ? 1_000 : 5_000),
  });
  // A step the rollout commits moves the slider and shows its propagation above without waiting.
  const latestRevision = overview.data?.runs[0]?.events.findLast(
    (e) => e.revisionNumber !== null,
  )?.revisionNumber;
  useEffect(() => {
    if (latestRevision) void queryClient.invalidateQueries({ queryKey: trpc.traffic.pathKey() });
  }, [latestRevision, queryClient, trpc]);

  if (overview.isPending) return <Loading />;
  if (overview.error) return <Alert>{messageOf(overview.error)}</Alert>;
  const run = overview.data.runs[0];

  return (
    <section className="border-t border-slate-100 pt-4" aria-label={`Automated rollout of ${serviceId}`}>
      <h3 className="text-sm font-semibold text-slate-800">Automated rollout</h3>
      {isActive(run) ? (
        <ActiveRun run={run} readOnly={readOnly} now={overview.dataUpdatedAt} />
      ) : (
        <PlanEditor
          key={JSON.stringify(overview.data.plan)}
          groupId={groupId}
          serviceId={serviceId}
          plan={overview.data.plan}
          defaults={overview.data.defaults}
          readOnly={readOnly}
        />
      )}
      {run && (
        <details className="mt-4" open>
          <summary className="cursor-pointer text-sm text-slate-700">
            {isActive(run) ? "This rollout" : "Last rollout"}:{" "}
            <Badge tone={STATUS_TONE[run.status]}>{STATUS_LABEL[run.status]}</Badge>{" "}
            <span className="text-xs text-slate-500">
              {run.stableVersion} → {run.canaryVersion}, started by {run.startedByLabel}{" "}
              {run.createdAt.toLocaleString()}
            </span>
          </summary>
          <RolloutTimeline run={run} />
        </details>
      )}
    </section>
  );
}

function PlanEditor({
  groupId,
  serviceId,
  plan,
  defaults,
  readOnly,
}: {
  groupId: string;
  serviceId: string;
  plan: RolloutPlan;
  defaults: Overview["defaults"];
  readOnly: boolean;
}) {
  const trpc = useTRPC();
  const invalidate = useInvalidateRollout();
  const form = useZodForm(rolloutPlanFormSchema, rolloutPlanToForm(plan));
  const onError = (error: unknown) => form.setServerErrors(fieldErrorsOf(error));
  const start = useMutation(trpc.rollout.start.mutationOptions({ onSettled: invalidate, onError }));
  const save = useMutation(trpc.rollout.savePlan.mutationOptions({ onSettled: invalidate, onError }));
  const submit = (mutation: typeof start | typeof save) => {
    const data = form.validate();
    if (data) mutation.mutate({ groupId, serviceId, ...data });
  };
  const field = (name: (typeof PLAN_FIELDS)[number]) => ({ ...form.fieldProps(name), disabled: readOnly });

  return (
    <form
      noValidate
      className="mt-2"
      onSubmit={(e) => {
        e.preventDefault();
        submit(start);
      }}
    >
      <p className="mb-3 text-xs text-slate-500">
        The canary moves through the steps while its error rate and p99 stay close to stable&apos;s over each
        step; a breach sends it back to 0% on its own. Moving the slider pauses a running plan.
      </p>
      <div className="grid gap-3 sm:grid-cols-3">
        <Field
          label="Steps (% to the canary)"
          hint={`Default ${defaults.steps.join(", ")}; ends at 100`}
          {...field("steps")}
        />
        <Field label="Time per step (s)" hint={`Default ${defaults.stepSeconds}`} {...field("stepSeconds")} />
        <Field
          label="Requests per side to decide"
          hint={`Default ${defaults.minRequests}; fewer waits`}
          {...field("minRequests")}
        />
        <Field
          label="Error rate above stable (points)"
          hint={`Default ${defaults.maxErrorRateIncreasePct}`}
          {...field("maxErrorRateIncreasePct")}
        />
        <Field
          label="p99 at most × stable's"
          hint={`Default ${defaults.maxP99Ratio}`}
          {...field("maxP99Ratio")}
        />
        <Field
          label="p99 differences ignored below (ms)"
          hint={`Default ${defaults.p99SlackMs}`}
          {...field("p99SlackMs")}
        />
      </div>
      {!readOnly && (
        <div className="mt-3 flex flex-wrap gap-2">
          <Button type="submit" disabled={start.isPending}>
            {start.isPending ? "Starting…" : "Start rollout"}
          </Button>
          <Button type="button" variant="secondary" disabled={save.isPending} onClick={() => submit(save)}>
            Save plan
          </Button>
          {save.isSuccess && <span className="self-center text-xs text-slate-500">Plan saved.</span>}
        </div>
      )}
      <RolloutRefusal error={start.error ?? save.error} />
    </form>
  );
}

function ActiveRun({ run, readOnly, now }: { run: Run; readOnly: boolean; now: number }) {
  const trpc = useTRPC();
  const invalidate = useInvalidateRollout();
  const options = { onSettled: invalidate };
  const pause = useMutation(trpc.rollout.pause.mutationOptions(options));
  const resume = useMutation(trpc.rollout.resume.mutationOptions(options));
  const promote = useMutation(trpc.rollout.promote.mutationOptions(options));
  const abort = useMutation(trpc.rollout.abort.mutationOptions(options));
  const busy = pause.isPending || resume.isPending || promote.isPending || abort.isPending;
  const { steps, stepSeconds } = run.plan;
  const elapsed = Math.max(0, (now - run.stepStartedAt.getTime()) / 1000);
  const next = steps[run.stepIndex + 1];

  return (
    <div className="mt-2 space-y-3" data-testid="rollout-progress">
      <p className="text-sm text-slate-700">
        <Badge tone={STATUS_TONE[run.status]}>{STATUS_LABEL[run.status]}</Badge>{" "}
        <strong>
          Step {run.stepIndex + 1} of {steps.length}: {run.percent}% to {run.canaryVersion}
        </strong>
      </p>
      <ol className="flex flex-wrap items-center gap-1 text-xs" aria-label="Steps">
        {steps.map((step, index) => (
          <li
            key={step}
            aria-current={index === run.stepIndex ? "step" : undefined}
            className={cx(
              "rounded-full px-2 py-0.5 tabular-nums",
              index < run.stepIndex && "bg-emerald-100 text-emerald-800",
              index === run.stepIndex && "bg-indigo-600 text-white",
              index > run.stepIndex && "bg-slate-100 text-slate-600",
            )}
          >
            {step}%
          </li>
        ))}
      </ol>
      {run.status === "running" ? (
        <div>
          <div
            role="progressbar"
            aria-label="Time in this step"
            aria-valuemin={0}
            aria-valuemax={stepSeconds}
            aria-valuenow={Math.min(stepSeconds, Math.floor(elapsed))}
            className="h-2 w-full max-w-md overflow-hidden rounded bg-slate-100"
          >
            <div
              className="h-full bg-indigo-500"
              style={{ width: `${Math.min(100, (elapsed / stepSeconds) * 100)}%` }}
            />
          </div>
          <p className="mt-1 text-xs text-slate-500">
            {Math.min(stepSeconds, Math.floor(elapsed))} of {stepSeconds} s in this step. Moving the slider
            pauses the plan.
          </p>
        </div>
      ) : (
        <p className="text-xs text-slate-600">
          Paused: the plan leaves the split alone. Resuming sets the canary back to {run.percent}% and starts
          the step over.
        </p>
      )}
      {run.lastCheck?.reason && (
        <div className="text-xs text-slate-600">
          <p>Last check: {run.lastCheck.reason}</p>
          {run.lastCheck.numbers && <StepNumbersTable numbers={run.lastCheck.numbers} />}
        </div>
      )}
      {!readOnly && (
        <div className="flex flex-wrap gap-2">
          {run.status === "running" ? (
            <Button variant="secondary" disabled={busy} onClick={() => pause.mutate({ runId: run.id })}>
              Pause
            </Button>
          ) : (
            <Button variant="secondary" disabled={busy} onClick={() => resume.mutate({ runId: run.id })}>
              Resume
            </Button>
          )}
          {next !== undefined && (
            <Button variant="secondary" disabled={busy} onClick={() => promote.mutate({ runId: run.id })}>
              Promote to {next}%
            </Button>
          )}
          <Button variant="danger" disabled={busy} onClick={() => abort.mutate({ runId: run.id })}>
            Abort (back to 0%)
          </Button>
        </div>
      )}
      <RolloutRefusal error={pause.error ?? resume.error ?? promote.error ?? abort.error} />
    </div>
  );
}
