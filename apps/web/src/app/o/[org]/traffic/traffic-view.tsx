"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { Fragment, useState } from "react";
import type { RouterOutputs } from "@switchyard/api";
import { MutationError } from "@/components/mutation-error";
import { useOrganization } from "@/components/organization-context";
import { Alert, Button, Card, EmptyState, Loading } from "@/components/ui";
import { messageOf } from "@/trpc/errors";
import { useTRPC } from "@/trpc/react";
import { CanarySlider } from "./canary-slider";
import { ConfigEditor } from "./config-editor";
import { AgentStates, PropagationBadge } from "./propagation";
import { RateLimitEditor, RateLimitSummary } from "./rate-limit-editor";
import { RevisionTimeline } from "./revision-timeline";
import { RolloutPanel } from "./rollout-panel";

type Current = RouterOutputs["traffic"]["current"];
type Revision = NonNullable<Current["revision"]>;

export function TrafficView() {
  const trpc = useTRPC();
  const groups = useQuery(trpc.gatewayGroup.list.queryOptions());
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();

  if (groups.isPending) return <Loading />;
  if (groups.error) return <Alert>{messageOf(groups.error)}</Alert>;
  if (groups.data.length === 0) {
    return (
      <EmptyState title="No gateway groups yet">
        Traffic is configured per gateway group. Create one and register its agents on the Agents page.
      </EmptyState>
    );
  }
  const groupId = params.get("group") ?? groups.data[0]!.id;
  return (
    <div className="space-y-6">
      {groups.data.length > 1 && (
        <label className="block max-w-xs text-sm">
          <span className="font-medium text-slate-700">Gateway group</span>
          <select
            className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm"
            value={groupId}
            onChange={(e) => router.replace(`${pathname}?group=${encodeURIComponent(e.target.value)}`)}
          >
            {groups.data.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <GroupTraffic key={groupId} groupId={groupId} />
    </div>
  );
}

function GroupTraffic({ groupId }: { groupId: string }) {
  const trpc = useTRPC();
  const current = useQuery({
    ...trpc.traffic.current.queryOptions({ groupId }),
    // While a change is on its way, follow it closely; otherwise a slower refresh catches agents coming and going.
    refetchInterval: (query) =>
      query.state.data?.revision && !query.state.data.revision.status.converged ? 500 : 5_000,
  });
  if (current.isPending) return <Loading />;
  if (current.error) return <Alert>{messageOf(current.error)}</Alert>;
  const { revision } = current.data;
  if (!revision) return <FirstConfiguration groupId={groupId} />;
  return (
    <GroupRevision groupId={groupId} revision={revision} fallbacks={current.data.sharedLimitFallbacks} />
  );
}

function useInvalidateTraffic() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: trpc.traffic.pathKey() });
}

function FirstConfiguration({ groupId }: { groupId: string }) {
  const { can } = useOrganization();
  return (
    <Card title="No configuration yet">
      <p className="mb-4 text-sm text-slate-600">
        This group has no revision. Its agents serve nothing from the control plane until the first one is
        committed.
      </p>
      {can("operator") ? (
        <ConfigEditor groupId={groupId} baseNumber={null} initial={{ routes: [], services: {} }} />
      ) : (
        <p className="text-sm text-slate-600">An operator or admin can create it.</p>
      )}
    </Card>
  );
}

function GroupRevision({
  groupId,
  revision,
  fallbacks,
}: {
  groupId: string;
  revision: Revision;
  fallbacks: Current["sharedLimitFallbacks"];
}) {
  const { can } = useOrganization();
  const [editing, setEditing] = useState(false);
  const effective = revision.effective;
  const readOnly = !can("operator");

  return (
    <>
      <Card
        title={`Revision ${revision.number}`}
        actions={
          can("operator") && (
            <Button variant="secondary" onClick={() => setEditing((e) => !e)}>
              {editing ? "Close editor" : "Edit configuration"}
            </Button>
          )
        }
      >
        <p className="text-sm text-slate-700">
          {revision.message} · {revision.authorLabel} · {revision.createdAt.toLocaleString()}
        </p>
        <div className="mt-2">
          <PropagationBadge status={revision.status} />
        </div>
        <AgentStates status={revision.status} />
        {readOnly && (
          <p className="mt-3 text-xs text-slate-500">
            You can read traffic settings; changing them needs the operator role.
          </p>
        )}
        {editing && (
          <div className="mt-4">
            <ConfigEditor
              groupId={groupId}
              baseNumber={revision.number}
              initial={revision.config as Record<string, unknown>}
              onDone={() => setEditing(false)}
            />
          </div>
        )}
      </Card>
      {effective === null ? (
        <Alert>Revision {revision.number} does not pass validation; commit a corrected configuration.</Alert>
      ) : (
        <>
          {Object.entries(effective.services).map(([serviceId, service]) => (
            <ServiceCard
              key={serviceId}
              groupId={groupId}
              revision={revision}
              serviceId={serviceId}
              service={service}
              readOnly={readOnly}
            />
          ))}
          <RoutesCard
            groupId={groupId}
            revision={revision}
            routes={effective.routes}
            fallbacks={fallbacks}
            readOnly={readOnly}
          />
        </>
      )}
      <RevisionTimeline groupId={groupId} latest={revision.number} />
    </>
  );
}

type Effective = NonNullable<Revision["effective"]>;

function ServiceCard({
  groupId,
  revision,
  serviceId,
  service,
  readOnly,
}: {
  groupId: string;
  revision: Revision;
  serviceId: string;
  service: Effective["services"][string];
  readOnly: boolean;
}) {
  const trpc = useTRPC();
  const invalidate = useInvalidateTraffic();
  const setCanary = useMutation(trpc.traffic.setCanary.mutationOptions({ onSettled: invalidate }));
  const setWeights = useMutation(trpc.traffic.setWeights.mutationOptions({ onSettled: invalidate }));
  const [weights, setWeightDrafts] = useState<Record<string, string>>({});
  const pending = revision.status.pending > 0 || setCanary.isPending;
  const weightError = Object.entries(weights).find(([, v]) => !/^\d+$/.test(v) || Number(v) > 1000);

  return (
    <Card title={`Service ${serviceId}`}>
      <div className="space-y-5">
        {service.split ? (
          <div>
            <CanarySlider
              serviceId={serviceId}
              value={service.split.canaryPercent}
              disabled={readOnly}
              sending={setCanary.isPending}
              pending={pending}
              onCommit={(percent) =>
                setCanary.mutate({ groupId, baseNumber: revision.number, serviceId, canaryPercent: percent })
              }
            />
            <p className="mt-1 text-xs text-slate-500">
              {service.split.stableVersion} (stable) ↔ {service.split.canaryVersion} (canary). Requests with
              header{" "}
              <code>
                {service.split.headerOverride.name}: {service.split.headerOverride.value}
              </code>{" "}
              always go to the canary.
            </p>
            <MutationError error={setCanary.error} fields={[]} />
            <div className="mt-4">
              <RolloutPanel groupId={groupId} serviceId={serviceId} readOnly={readOnly} />
            </div>
          </div>
        ) : (
          <p className="text-sm text-slate-600">
            No canary split: all targets share traffic by weight ({service.strategy}).
          </p>
        )}
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (weightError) return;
            setWeights.mutate(
              {
                groupId,
                baseNumber: revision.number,
                serviceId,
                weights: Object.fromEntries(Object.entries(weights).map(([k, v]) => [k, Number(v)])),
              },
              { onSuccess: () => setWeightDrafts({}) },
            );
          }}
        >
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="text-xs text-slate-500 uppercase">
                <tr>
                  <th className="py-1 pr-3 font-medium">Target</th>
                  <th className="py-1 pr-3 font-medium">Version</th>
                  <th className="py-1 pr-3 font-medium">URL</th>
                  <th className="py-1 font-medium">Weight</th>
                </tr>
              </thead>
              <tbody>
                {service.targets.map((target) => (
                  <tr key={target.id}>
                    <td className="py-1 pr-3">{target.id}</td>
                    <td className="py-1 pr-3">{target.version}</td>
                    <td className="py-1 pr-3 font-mono text-xs">{target.url}</td>
                    <td className="py-1">
                      <input
                        aria-label={`Weight of ${target.id}`}
                        inputMode="numeric"
                        disabled={readOnly}
                        className="w-20 rounded-md border border-slate-300 px-2 py-1 text-sm disabled:bg-slate-50"
                        value={weights[target.id] ?? String(target.weight)}
                        onChange={(e) => setWeightDrafts((w) => ({ ...w, [target.id]: e.target.value }))}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {weightError && (
            <p role="alert" className="mt-1 text-xs text-red-700">
              Weight of {weightError[0]}: use a whole number from 0 to 1000.
            </p>
          )}
          {!readOnly && Object.keys(weights).length > 0 && (
            <Button type="submit" className="mt-2" disabled={setWeights.isPending || !!weightError}>
              Save weights
            </Button>
          )}
          <MutationError error={setWeights.error} fields={[]} />
        </form>
        <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-xs text-slate-600 sm:grid-cols-4">
          <div>
            <dt className="font-medium text-slate-700">Health check</dt>
            <dd>
              {service.healthCheck.active.enabled === false
                ? "off"
                : `${service.healthCheck.active.path} every ${service.healthCheck.active.intervalMs / 1000}s`}
            </dd>
          </div>
          <div>
            <dt className="font-medium text-slate-700">Passive ejection</dt>
            <dd>
              {service.healthCheck.passive.maxFailures} fails / {service.healthCheck.passive.windowMs / 1000}s
            </dd>
          </div>
          <div>
            <dt className="font-medium text-slate-700">Circuit breaker</dt>
            <dd>
              opens after {service.circuitBreaker.consecutiveFailures} failures,{" "}
              {service.circuitBreaker.openMs / 1000}s open
            </dd>
          </div>
          <div>
            <dt className="font-medium text-slate-700">Strategy</dt>
            <dd>{service.strategy}</dd>
          </div>
        </dl>
      </div>
    </Card>
  );
}

function RoutesCard({
  groupId,
  revision,
  routes,
  fallbacks,
  readOnly,
}: {
  groupId: string;
  revision: Revision;
  routes: Effective["routes"];
  fallbacks: Current["sharedLimitFallbacks"];
  readOnly: boolean;
}) {
  const invalidate = useInvalidateTraffic();
  const [editing, setEditing] = useState<string | null>(null);
  if (routes.length === 0) return null;
  return (
    <Card title="Routes">
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <thead className="text-xs text-slate-500 uppercase">
            <tr>
              <th className="py-1 pr-3 font-medium">Route</th>
              <th className="py-1 pr-3 font-medium">Match</th>
              <th className="py-1 pr-3 font-medium">Service</th>
              <th className="py-1 pr-3 font-medium">Timeout / retries</th>
              <th className="py-1 font-medium">Rate limit</th>
            </tr>
          </thead>
          <tbody>
            {routes.map((route) => (
              <Fragment key={route.id}>
                <tr className="align-top">
                  <td className="py-2 pr-3 font-medium">{route.id}</td>
                  <td className="py-2 pr-3 font-mono text-xs">
                    {route.match.pathPrefix ?? route.match.path ?? "*"}
                  </td>
                  <td className="py-2 pr-3">{route.service}</td>
                  <td className="py-2 pr-3 text-xs text-slate-600">
                    {route.timeoutMs / 1000}s / {route.retry.attempts} attempts
                  </td>
                  <td className="py-2">
                    <div className="flex flex-wrap items-start justify-between gap-2">
                      <RateLimitSummary routeId={route.id} policy={route.rateLimit} fallbacks={fallbacks} />
                      {!readOnly && editing !== route.id && (
                        <Button
                          variant="secondary"
                          aria-label={`${route.rateLimit ? "Edit" : "Add"} rate limit of ${route.id}`}
                          onClick={() => setEditing(route.id)}
                        >
                          {route.rateLimit ? "Edit" : "Add limit"}
                        </Button>
                      )}
                    </div>
                  </td>
                </tr>
                {editing === route.id && (
                  <tr>
                    <td colSpan={5} className="pb-3">
                      <RateLimitEditor
                        groupId={groupId}
                        baseNumber={revision.number}
                        routeId={route.id}
                        current={route.rateLimit}
                        onChanged={invalidate}
                        onClose={() => setEditing(null)}
                      />
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
