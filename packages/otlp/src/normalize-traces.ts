import { SpanKind, type NormalizedSpan } from "@switchyard/contracts";
import type { DecodedSpan, DecodedTraceRequest } from "./decode";
import {
  attributesToRecord,
  idToHex,
  serviceNameOf,
  storableText,
  stringAttribute,
  unixNanoToMicros,
  type AttributeValue,
} from "./values";

export interface NormalizeOptions {
  /** The ingest's clock, in ms since the epoch. */
  nowMs: number;
  /** Items stamped later than now + this are rejected (a skewed clock would create future data). */
  maxFutureSkewMs: number;
  /** Items older than this are rejected: retention would drop them at once. */
  maxAgeMs: number;
}

export const defaultNormalizeOptions = (nowMs: number): NormalizeOptions => ({
  nowMs,
  maxFutureSkewMs: 10 * 60_000,
  maxAgeMs: 7 * 24 * 3_600_000,
});

/** Counts of rejected items by reason; the first reasons become the partial-success message. */
export class Rejections {
  private readonly reasons = new Map<string, number>();
  total = 0;

  add(reason: string): void {
    this.total++;
    this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
  }

  message(): string {
    return [...this.reasons].map(([reason, count]) => `${count} ${reason}`).join("; ");
  }
}

export interface NormalizedTraces {
  spans: NormalizedSpan[];
  rejected: number;
  /** Empty when nothing was rejected. */
  rejectionMessage: string;
}

/** Longest span name kept. */
const MAX_NAME_LENGTH = 1024;

export function asArray<T>(value: T[] | null | undefined | unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

export function timeProblem(timeUs: number, options: NormalizeOptions): string | null {
  if (!Number.isFinite(timeUs) || timeUs <= 0) return "with a missing or invalid timestamp";
  if (timeUs > (options.nowMs + options.maxFutureSkewMs) * 1000) return "with a timestamp in the future";
  if (timeUs < (options.nowMs - options.maxAgeMs) * 1000) return "older than the retention";
  return null;
}

function normalizeSpan(
  span: DecodedSpan,
  service: string,
  resource: Record<string, AttributeValue>,
  options: NormalizeOptions,
  rejections: Rejections,
): NormalizedSpan | null {
  if (typeof span !== "object" || span === null) {
    rejections.add("spans that are not objects");
    return null;
  }
  const traceId = idToHex(span.traceId, 16);
  const spanId = idToHex(span.spanId, 8);
  if (!traceId || !spanId) {
    rejections.add("spans with an invalid trace or span id");
    return null;
  }
  const rawParent = span.parentSpanId;
  const parentEmpty =
    rawParent === null ||
    rawParent === undefined ||
    rawParent === "" ||
    (rawParent as Uint8Array).length === 0;
  const parentSpanId = parentEmpty ? null : idToHex(rawParent, 8);
  if (!parentEmpty && !parentSpanId) {
    rejections.add("spans with an invalid parent span id");
    return null;
  }
  const startUs = unixNanoToMicros(span.startTimeUnixNano);
  const endUs = unixNanoToMicros(span.endTimeUnixNano);
  const problem = timeProblem(startUs, options);
  if (problem) {
    rejections.add(`spans ${problem}`);
    return null;
  }
  const durationUs = endUs - startUs;
  if (!Number.isFinite(durationUs) || durationUs < 0) {
    rejections.add("spans with a NaN or negative duration");
    return null;
  }
  const kind =
    typeof span.kind === "number" && span.kind >= 0 && span.kind <= 5 ? span.kind : SpanKind.UNSPECIFIED;
  const code = span.status?.code;
  const status = typeof code === "number" && code >= 0 && code <= 2 ? code : 0;
  const attributes = attributesToRecord(asArray(span.attributes));
  // Spans keep their resource's instance: a trace shows which replica served each span, and the service map
  // draws every gateway instance as a node of its own.
  const instance = resource["service.instance.id"];
  if (instance !== undefined && attributes["service.instance.id"] === undefined) {
    attributes["service.instance.id"] = instance;
  }
  const httpStatus = attributes["http.response.status_code"] ?? attributes["http.status_code"];
  return {
    traceId,
    spanId,
    parentSpanId,
    service,
    name: typeof span.name === "string" ? storableText(span.name, MAX_NAME_LENGTH) : "",
    kind,
    startUs,
    durationUs,
    status,
    route: stringAttribute(attributes, "http.route", "route"),
    version: stringAttribute(attributes, "target.version") ?? stringAttribute(resource, "service.version"),
    httpStatusCode: typeof httpStatus === "number" && Number.isInteger(httpStatus) ? httpStatus : null,
    attributes,
  };
}

/** Validates every span of an export request and normalises the good ones; counts the rest with reasons. */
export function normalizeTraces(request: DecodedTraceRequest, options: NormalizeOptions): NormalizedTraces {
  const spans: NormalizedSpan[] = [];
  const rejections = new Rejections();
  for (const resourceSpans of asArray<NonNullable<DecodedTraceRequest["resourceSpans"]>[number]>(
    request.resourceSpans,
  )) {
    const resource = attributesToRecord(asArray(resourceSpans?.resource?.attributes));
    const service = serviceNameOf(resource);
    for (const scopeSpans of asArray<{ spans?: DecodedSpan[] | null }>(resourceSpans?.scopeSpans)) {
      for (const span of asArray<DecodedSpan>(scopeSpans?.spans)) {
        const normalized = normalizeSpan(span, service, resource, options, rejections);
        if (normalized) spans.push(normalized);
      }
    }
  }
  return { spans, rejected: rejections.total, rejectionMessage: rejections.message() };
}
