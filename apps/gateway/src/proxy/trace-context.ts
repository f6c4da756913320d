import { randomFillSync } from "node:crypto";

/**
 * Random trace and span ids, cut from a block of random bytes that is refilled (and hex-encoded) 4 KiB
 * at a time, so an id costs one substring instead of an RNG call and an encoding.
 */
export class IdSource {
  private readonly block = Buffer.allocUnsafe(4096);
  private hexBlock = "";
  private offset = 0;

  traceId(): string {
    return this.hex(32);
  }

  spanId(): string {
    return this.hex(16);
  }

  private hex(chars: number): string {
    if (this.offset + chars > this.hexBlock.length) this.refill();
    const start = this.offset;
    this.offset += chars;
    const id = this.hexBlock.slice(start, start + chars);
    // An all-zero id is invalid in W3C trace context (1 in 2^64 for a span id); draw the next one.
    return ALL_ZEROS.test(id) ? this.hex(chars) : id;
  }

  private refill(): void {
    randomFillSync(this.block);
    this.hexBlock = this.block.toString("hex");
    this.offset = 0;
  }
}

const ALL_ZEROS = /^0+$/;

export interface IncomingTrace {
  traceId: string;
  parentSpanId: string;
  sampled: boolean;
}

const HEX = /^[0-9a-f]+$/;

/** Parses a W3C `traceparent`; an invalid one is ignored and a new trace starts, as the spec says. */
export function parseTraceparent(value: string | undefined): IncomingTrace | null {
  if (value === undefined || value.length < 55) return null;
  const header = value.trim();
  if (header.charCodeAt(2) !== 45 || header.charCodeAt(35) !== 45 || header.charCodeAt(52) !== 45)
    return null;
  const version = header.slice(0, 2);
  if (version === "ff" || !HEX.test(version) || (version === "00" && header.length !== 55)) return null;
  const traceId = header.slice(3, 35);
  const parentSpanId = header.slice(36, 52);
  const flags = header.slice(53, 55);
  if (!HEX.test(traceId) || !HEX.test(parentSpanId) || !HEX.test(flags)) return null;
  if (/^0+$/.test(traceId) || /^0+$/.test(parentSpanId)) return null;
  return { traceId, parentSpanId, sampled: (parseInt(flags, 16) & 1) === 1 };
}

export function formatTraceparent(traceId: string, spanId: string, sampled: boolean): string {
  return `00-${traceId}-${spanId}-${sampled ? "01" : "00"}`;
}

/** A client's request id is passed on if it is short and plain; otherwise the gateway makes one. */
export function isUsableRequestId(value: string): boolean {
  if (value.length === 0 || value.length > 128) return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code <= 32 || code >= 127 || code === 34 || code === 92) return false;
  }
  return true;
}
