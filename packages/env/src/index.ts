export { loadEnv, checkEnv, EX_CONFIG, type LoadEnvOptions, type EnvSource, type EnvCheck } from "./load-env";
export {
  databaseUrl,
  redisUrl,
  logLevel,
  logLevels,
  otelExporterEndpoint,
  otelExporterHeaders,
  port,
  betterAuthSecret,
  publicUrl,
  type LogLevel,
} from "./fields";
