import { randomFillSync, randomUUID } from "node:crypto";

/**
 * Random trace and span ids, cut from a block of random bytes refilled 8 KiB at a time, so the hot
 * path makes one cheap `toString("hex")` per id instead of a syscall-backed RNG call.
 */
export class IdSource {
  private readonly block = Buffer.allocUnsafe(8192);
  private offset = this.block.length;

  traceId(): string {
    return this.hex(16);
  }

  spanId(): string {
    return this.hex(8);
  }

  requestId(): string {
    return randomUUID();
  }

  private hex(bytes: number): string {
    if (this.offset + bytes > this.block.length) {
      randomFillSync(this.block);
      this.offset = 0;
    }
    const start = this.offset;
    this.offset += bytes;
    // An all-zero id is invalid in W3C trace context; flip a bit rather than draw again.
    if (this.block.readUInt32BE(start) === 0) this.block[start] = 1;
    return this.block.toString("hex", start, start + bytes);
  }
}

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
