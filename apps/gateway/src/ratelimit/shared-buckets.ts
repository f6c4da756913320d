import { type RateLimitPolicy } from "@switchyard/contracts";
import { Redis } from "ioredis";
import { type Logger } from "../log";
import { rateDecision, refillPerMs, type RateDecision } from "./token-bucket";

/**
 * The token bucket of {@link TokenBucketLimiter}, kept in Redis and updated atomically by one script, so
 * every agent of a group spends from the same bucket. The script reads Redis's clock rather than the
 * agents', which may disagree. A bucket is a hash that expires once it would be full again: a missing
 * key is a full bucket, so idle clients cost no memory.
 *
 * KEYS[1] bucket; ARGV[1] capacity (burst), ARGV[2] tokens gained per millisecond.
 * Returns { 1 if allowed else 0, tokens left as a string (Lua numbers lose their fraction otherwise) }.
 */
const TAKE_TOKEN_SCRIPT = `
local capacity = tonumber(ARGV[1])
local perMs = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = capacity
  at = now
elseif now > at then
  tokens = math.min(capacity, tokens + (now - at) * perMs)
  at = now
else
  tokens = math.min(capacity, tokens)
end
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', at)
redis.call('PEXPIRE', KEYS[1], math.min(math.ceil((capacity - tokens) / perMs), 2 ^ 46) + 1000)
return { allowed, tostring(tokens) }
`;

type TakeTokenReply = [allowed: number, tokens: string];
type ScriptedRedis = Redis & {
  switchyardTakeToken(key: string, capacity: number, perMs: string): Promise<TakeTokenReply>;
};

export interface SharedBucketsOptions {
  url: string;
  keyPrefix: string;
  commandTimeoutMs: number;
}

/** `connecting` until the first connection, `unreachable` after a lost one until it is back. */
export type RedisConnectionState = "connecting" | "connected" | "unreachable";

export interface SharedBucketsStatus {
  redis: string;
  connection: RedisConnectionState;
  /** Decisions Redis made. */
  sharedDecisions: number;
  /** Decisions of shared limits taken from this agent's own bucket because Redis could not make them. */
  localFallbacks: number;
  /** When the last of those was taken (ISO 8601), so a slow but connected Redis shows too. */
  lastFallbackAt: string | null;
  lastError: string | null;
}

/**
 * The agent's connection to the Redis that holds shared buckets. It never queues: while Redis is not
 * connected, or when it does not answer within `commandTimeoutMs`, the caller decides with its local
 * bucket, so a Redis outage makes limits per-agent for a while but never fails or stalls a request.
 */
export class SharedBuckets {
  sharedDecisions = 0;
  localFallbacks = 0;
  private lastFallbackAt: number | null = null;
  private lastError: string | null = null;
  /** Between an error and the next successful connection. */
  private inOutage = false;
  private readonly redis: ScriptedRedis;
  private readonly where: string;

  constructor(
    options: SharedBucketsOptions,
    private readonly log: Logger,
  ) {
    const url = new URL(options.url);
    this.where = `${url.hostname}:${url.port || "6379"}`;
    this.redis = new Redis(options.url, {
      keyPrefix: options.keyPrefix,
      commandTimeout: options.commandTimeoutMs,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // Keep trying in the background, at most every 2 s; requests meanwhile use local buckets.
      retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    }) as ScriptedRedis;
    this.redis.defineCommand("switchyardTakeToken", { numberOfKeys: 1, lua: TAKE_TOKEN_SCRIPT });
    this.redis.on("ready", () => {
      this.inOutage = false;
      this.log("info", "shared rate limits: Redis connected", { redis: this.where });
    });
    this.redis.on("error", (error: Error) => {
      this.lastError = error.message;
      if (this.inOutage) return;
      this.inOutage = true;
      this.log("warn", "shared rate limits: Redis unreachable, limiting with local buckets meanwhile", {
        redis: this.where,
        error: error.message,
      });
    });
  }

  /** Whether a decision can be asked of Redis right now (otherwise it is not even tried). */
  get ready(): boolean {
    return this.redis.status === "ready";
  }

  /** Spends a token from the shared bucket; rejects when Redis fails or is too slow to answer. */
  async take(bucketKey: string, policy: RateLimitPolicy): Promise<RateDecision> {
    const [allowed, tokens] = await this.redis.switchyardTakeToken(
      bucketKey,
      policy.burst,
      String(refillPerMs(policy)),
    );
    this.sharedDecisions++;
    return rateDecision(allowed === 1, Number(tokens), policy);
  }

  noteFallback(error: Error | null): void {
    this.localFallbacks++;
    this.lastFallbackAt = Date.now();
    if (error !== null) this.lastError = error.message;
  }

  status(): SharedBucketsStatus {
    const status = this.redis.status;
    const connection =
      status === "ready"
        ? "connected"
        : this.inOutage || status === "reconnecting" || status === "end"
          ? "unreachable"
          : "connecting";
    return {
      redis: this.where,
      connection,
      sharedDecisions: this.sharedDecisions,
      localFallbacks: this.localFallbacks,
      lastFallbackAt: this.lastFallbackAt === null ? null : new Date(this.lastFallbackAt).toISOString(),
      lastError: this.lastError,
    };
  }

  close(): void {
    this.redis.disconnect();
  }
}
