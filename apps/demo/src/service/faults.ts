import { z } from "zod";
import { createRng, type Rng } from "../rng";
import { definedFields } from "../validation";

const faultFields = {
  latencyMs: z.number().int().min(0).max(60_000),
  latencyJitterMs: z.number().int().min(0).max(60_000),
  errorRate: z.number().min(0).max(1),
  errorStatus: z.number().int().min(400).max(599),
  healthFailing: z.boolean(),
};

/** Faults applied to a replica's API routes (not to /health or /admin). */
export type FaultSettings = { [K in keyof typeof faultFields]: z.output<(typeof faultFields)[K]> };

export const NO_FAULTS: Readonly<FaultSettings> = Object.freeze({
  latencyMs: 0,
  latencyJitterMs: 0,
  errorRate: 0,
  errorStatus: 500,
  healthFailing: false,
});

// `seed` restarts the error sequence, so a test that sets faults gets the same decisions on every run.
const seedField = z.number().int().min(0).max(0xffff_ffff).optional();

/** PUT body: the whole setting; an omitted field goes back to its default. */
export const faultReplaceSchema = z.strictObject({
  latencyMs: faultFields.latencyMs.default(NO_FAULTS.latencyMs),
  latencyJitterMs: faultFields.latencyJitterMs.default(NO_FAULTS.latencyJitterMs),
  errorRate: faultFields.errorRate.default(NO_FAULTS.errorRate),
  errorStatus: faultFields.errorStatus.default(NO_FAULTS.errorStatus),
  healthFailing: faultFields.healthFailing.default(NO_FAULTS.healthFailing),
  seed: seedField,
});

/** POST body: a patch; an omitted field keeps its current value. */
export const faultPatchSchema = z.strictObject({
  latencyMs: faultFields.latencyMs.optional(),
  latencyJitterMs: faultFields.latencyJitterMs.optional(),
  errorRate: faultFields.errorRate.optional(),
  errorStatus: faultFields.errorStatus.optional(),
  healthFailing: faultFields.healthFailing.optional(),
  seed: seedField,
});

export type FaultPatch = z.output<typeof faultPatchSchema>;

export interface FaultDecision {
  /** How long to hold the request before answering. */
  delayMs: number;
  /** The status to fail with, or null to serve the request normally. */
  errorStatus: number | null;
}

/**
 * What happens to one API request. Always draws twice (jitter, then error) so the error sequence for a given
 * seed does not depend on whether jitter is configured.
 */
export function decideFault(settings: FaultSettings, rng: Rng): FaultDecision {
  const jitterDraw = rng();
  const errorDraw = rng();
  return {
    delayMs: settings.latencyMs + Math.floor(jitterDraw * settings.latencyJitterMs),
    errorStatus: errorDraw < settings.errorRate ? settings.errorStatus : null,
  };
}

/** A replica's current faults plus the seeded generator its decisions draw from. */
export class FaultController {
  #settings: FaultSettings = { ...NO_FAULTS };
  #rng: Rng;

  constructor(private readonly defaultSeed: number) {
    this.#rng = createRng(defaultSeed);
  }

  get settings(): Readonly<FaultSettings> {
    return this.#settings;
  }

  /** Applies a patch over the current settings (or over no faults when `replace`), and reseeds. */
  apply(patch: FaultPatch, mode: "merge" | "replace"): Readonly<FaultSettings> {
    const { seed, ...fields } = patch;
    const base = mode === "replace" ? NO_FAULTS : this.#settings;
    this.#settings = { ...base, ...definedFields(fields) };
    this.#rng = createRng(seed ?? this.defaultSeed);
    return this.#settings;
  }

  clear(): Readonly<FaultSettings> {
    return this.apply({}, "replace");
  }

  decide(): FaultDecision {
    return decideFault(this.#settings, this.#rng);
  }
}
