export { OutcomeWaiter, type OutcomeStatus, type OutcomeWaiterOptions } from './outcome-waiter';
export { jobOutcomeSchema, outcomeChannel, publishOutcome, type JobOutcome } from './outcomes';
export {
  removalJobName,
  removalPayloadSchema,
  removalQueueName,
  type RemovalPayload,
} from './payload';
export {
  createRemovalQueue,
  enqueueRemoval,
  queueDepth,
  removalAttempts,
  type QueueDepth,
  type RemovalQueue,
} from './queue';
export { createBlockingConnection, createCommandConnection, type Redis } from './redis';
