export { formatAttribution, parseAttribution } from './format.js';
export {
  type NarratedChange,
  type NarratedReason,
  type NarrateOptions,
  type Narration,
  narrate,
} from './narrate.js';
export { type ChangeText, ENGLISH_TEMPLATES, type NarrationTemplates, type ReasonText } from './templates.js';
