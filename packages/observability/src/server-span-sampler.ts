import { SpanKind, type Attributes, type Context, type Link } from "@opentelemetry/api";
import { tracing } from "@opentelemetry/sdk-node";
import { LONG_POLL_SPAN_ATTRIBUTE } from "@switchyard/contracts";
import { isOtlpIngestPath, requestTargetOf } from "./request-targets";

export interface ServerSpanRules {
  /** Requests held open on purpose (long polls): their SERVER spans get `LONG_POLL_SPAN_ATTRIBUTE`. */
  isLongPoll?: (target: string) => boolean;
}

/**
 * Samples like the SDK's default (every trace, children follow their parent) and decides, from its target,
 * for the SERVER span each request starts with: one to the OTLP ingest is not recorded, nor anything under
 * it (the control plane ingests its own telemetry, and tracing that would feed on itself); a long poll is
 * marked so the rollups leave its held-open time out of the service's latency. Deciding here, when the span
 * starts, works whichever code makes the span: the http instrumentation or a framework (Next.js).
 */
export function serverSpanSampler(
  rules: ServerSpanRules,
  delegate: tracing.Sampler = new tracing.ParentBasedSampler({ root: new tracing.AlwaysOnSampler() }),
): tracing.Sampler {
  return {
    shouldSample(
      context: Context,
      traceId: string,
      spanName: string,
      spanKind: SpanKind,
      attributes: Attributes,
      links: Link[],
    ): tracing.SamplingResult {
      const result = delegate.shouldSample(context, traceId, spanName, spanKind, attributes, links);
      if (spanKind !== SpanKind.SERVER) return result;
      const target = requestTargetOf(attributes);
      if (target === undefined) return result;
      if (isOtlpIngestPath(target)) return { decision: tracing.SamplingDecision.NOT_RECORD };
      if (rules.isLongPoll?.(target))
        return { ...result, attributes: { ...result.attributes, [LONG_POLL_SPAN_ATTRIBUTE]: true } };
      return result;
    },
    toString: () => `ServerSpanSampler{${delegate.toString()}}`,
  };
}
