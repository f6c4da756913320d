export { queueNames, jobQueues, queueForJob, defaultQueuePrefix, type QueueName } from "./queues";
export {
  parseJobPayload,
  describePayloadProblems,
  isJobName,
  InvalidJobPayloadError,
  type JobPayloadInput,
} from "./payloads";
export {
  createRedisConnection,
  closeRedisConnection,
  describeRedisTarget,
  type RedisRole,
  type RedisConnectionOptions,
} from "./connection";
export { createQueue, defaultJobOptions, type QueueConnectionOptions } from "./create-queue";
export { createJobProducer, QueueUnavailableError, type JobProducer } from "./producer";
export { enqueueRevisionPublish, enqueueRolloutCheck } from "./traffic-jobs";
