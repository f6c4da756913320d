export { loadEnv, checkEnv, EX_CONFIG, type LoadEnvOptions, type EnvSource, type EnvCheck } from "./load-env";
export {
  databaseUrl,
  redisUrl,
  logLevel,
  logLevels,
  otelExporterEndpoint,
  otelExporterHeaders,
  port,
  type LogLevel,
} from "./fields";
