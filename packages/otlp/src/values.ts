/** Conversions shared by the protobuf and JSON paths: both decode to the same object shape, with ids as
 * bytes (protobuf) or hex strings (JSON) and 64-bit integers as Long objects, numbers or strings. */

/** A protobufjs Long as the generated decoder returns it for 64-bit fields. */
export interface LongLike {
  low: number;
  high: number;
  unsigned: boolean;
}

export type Int64 = LongLike | number | string | null | undefined;

const TWO_POW_32 = 4_294_967_296;

/** A 64-bit OTLP integer as a JS number (NaN when it is not an integer at all). */
export function int64ToNumber(value: Int64): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === "number") return value;
  if (typeof value === "string") return value.trim() === "" ? Number.NaN : Number(value);
  const high = value.unsigned ? value.high >>> 0 : value.high;
  return high * TWO_POW_32 + (value.low >>> 0);
}

/**
 * Nanoseconds since the epoch as microseconds. Strings are split so the division is exact; Longs and
 * numbers round to the microsecond, which is all Postgres keeps.
 */
export function unixNanoToMicros(value: Int64): number {
  if (typeof value === "string") {
    if (!/^\d+$/.test(value)) return Number.NaN;
    return value.length <= 3 ? 0 : Number(value.slice(0, -3));
  }
  if (typeof value === "object" && value !== null) {
    // 2^32 = 4_294_967 * 1000 + 296: dividing the two halves apart keeps the result exact past 2^53.
    const high = value.unsigned ? value.high >>> 0 : value.high;
    return high * 4_294_967 + Math.floor((high * 296 + (value.low >>> 0)) / 1000);
  }
  return Math.floor(int64ToNumber(value) / 1000);
}

/** An id as lowercase hex, or null when it is empty, all zero or not `bytes` long. */
export function idToHex(value: Uint8Array | string | null | undefined, bytes: number): string | null {
  if (value === null || value === undefined) return null;
  let hex: string;
  if (typeof value === "string") {
    hex = value.toLowerCase();
    if (!/^[0-9a-f]*$/.test(hex)) return null;
  } else {
    hex = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex");
  }
  if (hex.length !== bytes * 2 || /^0+$/.test(hex)) return null;
  return hex;
}

export interface AnyValue {
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: Int64;
  doubleValue?: number | string | null;
  arrayValue?: { values?: AnyValue[] | null } | null;
  kvlistValue?: { values?: KeyValue[] | null } | null;
  bytesValue?: Uint8Array | string | null;
}

export interface KeyValue {
  key: string;
  value?: AnyValue | null;
}

export type AttributeValue = string | number | boolean;

/** Longest attribute string kept; longer ones are cut so one span cannot bloat a batch. */
export const MAX_ATTRIBUTE_LENGTH = 4096;
/** Attributes kept per span; the rest are dropped (the OTLP default limit is 128). */
export const MAX_ATTRIBUTES = 128;

/**
 * Text as Postgres can store it: at most `max` characters, and no NUL, which neither `text` nor `jsonb`
 * accepts (one NUL in one attribute would otherwise fail its whole batch on every retry).
 */
export function storableText(text: string, max: number): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  return cut.includes("\u0000") ? cut.replaceAll("\u0000", "\uFFFD") : cut;
}

function truncate(text: string): string {
  return storableText(text, MAX_ATTRIBUTE_LENGTH);
}

function plain(value: AnyValue | null | undefined): unknown {
  if (!value) return null;
  if (value.stringValue !== undefined && value.stringValue !== null) return value.stringValue;
  if (value.boolValue !== undefined && value.boolValue !== null) return value.boolValue;
  if (value.intValue !== undefined && value.intValue !== null) return int64ToNumber(value.intValue);
  if (value.doubleValue !== undefined && value.doubleValue !== null) return Number(value.doubleValue);
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(plain);
  if (value.kvlistValue)
    return Object.fromEntries((value.kvlistValue.values ?? []).map((kv) => [kv.key, plain(kv.value)]));
  if (value.bytesValue !== undefined && value.bytesValue !== null)
    return typeof value.bytesValue === "string"
      ? value.bytesValue
      : Buffer.from(value.bytesValue).toString("base64");
  return null;
}

/** A scalar attribute value; arrays, maps and bytes become (truncated) JSON text. Null when empty. */
export function attributeValue(value: AnyValue | null | undefined): AttributeValue | null {
  const converted = plain(value);
  if (converted === null) return null;
  if (typeof converted === "string") return truncate(converted);
  if (typeof converted === "boolean") return converted;
  if (typeof converted === "number") return Number.isFinite(converted) ? converted : String(converted);
  return truncate(JSON.stringify(converted));
}

export function attributesToRecord(list: KeyValue[] | null | undefined): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  if (!list) return out;
  let kept = 0;
  for (const { key, value } of list) {
    if (kept >= MAX_ATTRIBUTES) break;
    if (typeof key !== "string" || key === "") continue;
    const converted = attributeValue(value);
    if (converted === null) continue;
    out[truncate(key)] = converted;
    kept++;
  }
  return out;
}

/** The resource's `service.name`, or the spec's fallback when it is missing. */
export function serviceNameOf(resource: Record<string, AttributeValue>): string {
  const name = resource["service.name"];
  return typeof name === "string" && name !== "" ? name : "unknown_service";
}

export function stringAttribute(
  attributes: Record<string, AttributeValue>,
  ...keys: string[]
): string | null {
  for (const key of keys) {
    const value = attributes[key];
    if (value !== undefined && value !== "") return String(value);
  }
  return null;
}
