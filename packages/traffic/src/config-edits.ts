/**
 * Changes people make from the Traffic page, applied to a group's configuration as it is stored (the raw
 * document, without the defaults the agent fills in), so a revision records exactly what was changed.
 * Each returns a new document; the caller validates the result with the contracts schema before committing.
 */

type Json = Record<string, unknown>;

export class ConfigEditError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "ConfigEditError";
  }
}

function serviceOf(config: Json, serviceId: string): Json {
  const services = (config.services ?? {}) as Record<string, Json>;
  const service = services[serviceId];
  if (!service) throw new ConfigEditError("serviceId", `This configuration has no service "${serviceId}".`);
  return service;
}

function withService(config: Json, serviceId: string, service: Json): Json {
  return { ...config, services: { ...(config.services as Json), [serviceId]: service } };
}

export function setCanaryPercent(config: Json, serviceId: string, canaryPercent: number): Json {
  const service = serviceOf(config, serviceId);
  const split = service.split as Json | undefined;
  if (!split) {
    throw new ConfigEditError(
      "serviceId",
      `Service "${serviceId}" has no traffic split between two versions.`,
    );
  }
  const { stablePercent: _ignored, ...rest } = split;
  return withService(config, serviceId, { ...service, split: { ...rest, canaryPercent } });
}

export function setTargetWeights(config: Json, serviceId: string, weights: Record<string, number>): Json {
  const service = serviceOf(config, serviceId);
  const targets = (service.targets ?? []) as Json[];
  for (const targetId of Object.keys(weights)) {
    if (!targets.some((t) => t.id === targetId)) {
      throw new ConfigEditError("weights", `Service "${serviceId}" has no target "${targetId}".`);
    }
  }
  const updated = targets.map((t) => (String(t.id) in weights ? { ...t, weight: weights[String(t.id)] } : t));
  return withService(config, serviceId, { ...service, targets: updated });
}

/**
 * Sets (or, with null, removes) the rate limit of one route. Fields the edit does not name (the key a
 * client is limited by, whether the bucket is shared through Redis) are kept from the current limit.
 */
export function setRouteRateLimit(config: Json, routeId: string, rateLimit: Json | null): Json {
  const routes = (config.routes ?? []) as Json[];
  if (!routes.some((r) => r.id === routeId)) {
    throw new ConfigEditError("routeId", `This configuration has no route "${routeId}".`);
  }
  return {
    ...config,
    routes: routes.map((r) => {
      if (r.id !== routeId) return r;
      const { rateLimit: previous, ...rest } = r;
      return rateLimit ? { ...rest, rateLimit: { ...(previous as Json | undefined), ...rateLimit } } : rest;
    }),
  };
}
