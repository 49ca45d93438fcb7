/**
 * @module mitigation/preprocessing
 * Pre-processing mitigation: change the data before training. Reweighing, group-aware resampling,
 * the disparate impact remover, the correlation remover and massaging (relabelling); each returns
 * a new table (or weights) and a report of what changed.
 */
export type { GroupChange, PreprocessingChanges } from './changes.js';
export {
  type CorrelationRemoverOptions,
  type CorrelationRemoverResult,
  correlationRemover,
} from './correlation-remover.js';
export {
  type DisparateImpactRemoverOptions,
  type DisparateImpactRemoverResult,
  disparateImpactRemover,
} from './disparate-impact-remover.js';
export {
  type LfrLoss,
  LfrModel,
  type LfrOptions,
  type LfrParameters,
  type LfrProblem,
  type LfrReport,
  type LfrResult,
  lfr,
  lfrModelFromFile,
  lfrObjective,
} from './lfr.js';
export { type MassagingOptions, type MassagingResult, massaging } from './massaging.js';
export { type ResampleOptions, type ResampleResult, resample } from './resample.js';
export {
  type ReweighingCell,
  type ReweighingOptions,
  type ReweighingResult,
  reweighing,
} from './reweighing.js';
