/**
 * @module accountability/datasheet
 * Datasheets for datasets (Gebru et al. 2021, https://arxiv.org/abs/1803.09010): facts profiled
 * from the data, answers from a small YAML, gaps, Markdown and JSON.
 */
export {
  DATASHEET_TOP_KEYS,
  type DatasheetAnswers,
  datasheetTemplate,
  parseDatasheetAnswers,
} from './answers.js';
export {
  buildDatasheet,
  DATASHEET_SCHEMA_VERSION,
  type Datasheet,
  type DatasheetGap,
  type DatasheetInput,
  type DatasheetItem,
  datasheetDigest,
} from './build-datasheet.js';
export {
  type ColumnProfile,
  type DatasetProfile,
  type GroupProfile,
  type LabelProfile,
  type ProfileOptions,
  profileDataset,
  type SensitiveProfile,
} from './profile.js';
export {
  DATASHEET_QUESTIONS,
  DATASHEET_SECTIONS,
  type DatasheetQuestion,
  type DatasheetSection,
} from './questions.js';
export { renderDatasheetMarkdown } from './render.js';
