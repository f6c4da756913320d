// Just enough of the protobuf wire format to read an OTLP ExportTraceServiceRequest in tests, so they can check
// what the replicas exported without trusting the exporter's own code.

interface WireField {
  field: number;
  varint?: bigint;
  bytes?: Uint8Array;
}

function readVarint(buffer: Uint8Array, offset: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    const byte = buffer[offset++]!;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, offset];
    shift += 7n;
  }
}

function readFields(buffer: Uint8Array): WireField[] {
  const fields: WireField[] = [];
  let offset = 0;
  while (offset < buffer.length) {
    const [tag, afterTag] = readVarint(buffer, offset);
    const field = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    offset = afterTag;
    if (wireType === 0) {
      const [value, next] = readVarint(buffer, offset);
      fields.push({ field, varint: value });
      offset = next;
    } else if (wireType === 2) {
      const [length, next] = readVarint(buffer, offset);
      fields.push({ field, bytes: buffer.subarray(next, next + Number(length)) });
      offset = next + Number(length);
    } else if (wireType === 1) {
      offset += 8;
    } else if (wireType === 5) {
      offset += 4;
    } else {
      throw new Error(`unsupported wire type ${wireType}`);
    }
  }
  return fields;
}

const all = (fields: WireField[], number: number) => fields.filter((entry) => entry.field === number);
const bytesOf = (fields: WireField[], number: number) => all(fields, number)[0]?.bytes ?? new Uint8Array();
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");

export interface DecodedSpan {
  service: string;
  version: string;
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 2 = server, 3 = client. */
  kind: number;
}

function resourceAttributes(resource: Uint8Array): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const keyValue of all(readFields(resource), 1)) {
    const fields = readFields(keyValue.bytes!);
    const anyValue = readFields(bytesOf(fields, 2));
    attributes.set(text(bytesOf(fields, 1)), text(bytesOf(anyValue, 1)));
  }
  return attributes;
}

export function decodeTraceExport(body: Uint8Array): DecodedSpan[] {
  return all(readFields(body), 1).flatMap((resourceSpans) => {
    const fields = readFields(resourceSpans.bytes!);
    const attributes = resourceAttributes(bytesOf(fields, 1));
    return all(fields, 2).flatMap((scopeSpans) =>
      all(readFields(scopeSpans.bytes!), 2).map((span) => {
        const spanFields = readFields(span.bytes!);
        return {
          service: attributes.get("service.name") ?? "",
          version: attributes.get("service.version") ?? "",
          traceId: hex(bytesOf(spanFields, 1)),
          spanId: hex(bytesOf(spanFields, 2)),
          parentSpanId: hex(bytesOf(spanFields, 4)),
          name: text(bytesOf(spanFields, 5)),
          kind: Number(all(spanFields, 6)[0]?.varint ?? 0n),
        };
      }),
    );
  });
}
