export { decideStep, describeNumbers, findBreach, nextCheckDelayMs, type StepDecision } from "./decision";
export { stepNumbers, type StepBaseline, type VersionTotals } from "./step-window";
export { splitOf } from "./manual-override";
export {
  abortRollout,
  checkRollout,
  pauseRollout,
  promoteRollout,
  resumeRollout,
  RolloutError,
  savePlan,
  startRollout,
  sweepRollouts,
  type CheckOutcome,
  type PublishableRevision,
  type RolloutActor,
  type RolloutCheck,
  type RolloutDeps,
} from "./runs";
