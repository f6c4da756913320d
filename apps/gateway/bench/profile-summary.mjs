#!/usr/bin/env node
// Summarises a V8 .cpuprofile (from `node --cpu-prof`, e.g. `bench/run.mjs --cpu-prof <dir>`): self time
// by function and by area (gateway code, undici, Node's http, GC, idle), to see where the hot path goes.
//
//   node bench/profile-summary.mjs <file.cpuprofile> [--top 30]
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({
  options: { top: { type: "string", default: "30" } },
  allowPositionals: true,
});
if (positionals.length !== 1) {
  console.error("usage: node bench/profile-summary.mjs <file.cpuprofile> [--top N]");
  process.exit(2);
}
const top = Number(values.top);
if (!Number.isInteger(top) || top < 1) {
  console.error("--top must be a positive integer");
  process.exit(2);
}

const profile = JSON.parse(readFileSync(positionals[0], "utf8"));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const selfSamples = new Map();
for (const id of profile.samples) selfSamples.set(id, (selfSamples.get(id) ?? 0) + 1);
const total = profile.samples.length;

function area(url, name) {
  if (name === "(garbage collector)") return "gc";
  if (name === "(idle)") return "idle";
  if (name === "(program)") return "program (native, epoll, syscalls)";
  if (url.includes("/undici/")) return "undici";
  if (url.startsWith("node:internal/http") || url.startsWith("node:_http")) return "node http";
  if (url.startsWith("node:internal/streams") || url.startsWith("node:stream")) return "node streams";
  if (url.startsWith("node:net") || url.startsWith("node:internal/net")) return "node net";
  if (url.startsWith("node:")) return "node other";
  if (url.includes("/apps/gateway/")) return "gateway";
  if (url.includes("@opentelemetry") || url.includes("protobufjs")) return "opentelemetry";
  if (url.includes("/zod/")) return "zod";
  return url === "" ? "native" : "other";
}

const byFunction = new Map();
const byArea = new Map();
for (const [id, count] of selfSamples) {
  const { callFrame } = nodes.get(id);
  const name = callFrame.functionName || "(anonymous)";
  const file = callFrame.url.replace(/^.*\/node_modules\//, "").replace(/^.*\/apps\/gateway\//, "");
  const key = `${name}  ${file}:${callFrame.lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + count);
  const where = area(callFrame.url, name);
  byArea.set(where, (byArea.get(where) ?? 0) + count);
}

// Percentages are of busy time: idle samples are the part of the run when the gateway was not under load.
const busy = total - (byArea.get("idle") ?? 0);
byArea.delete("idle");
byFunction.delete("(idle)  :0");
const pct = (count) => `${((count / busy) * 100).toFixed(1).padStart(5)}%`;
console.log(`${total} samples, ${busy} busy\n\nby area (self time, % of busy):`);
for (const [where, count] of [...byArea].sort((a, b) => b[1] - a[1]))
  console.log(`  ${pct(count)}  ${where}`);
console.log(`\ntop ${top} functions (self time, % of busy):`);
for (const [key, count] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top))
  console.log(`  ${pct(count)}  ${key}`);
