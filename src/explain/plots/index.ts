export { type BarItem, type BarSummaryOptions, barSummarySvg } from './bar-summary.js';
export { type BeeswarmOptions, beeswarmSvg } from './beeswarm.js';
export { type DependenceOptions, dependenceSvg } from './dependence.js';
export { forceSvg } from './force.js';
export { type PartialDependenceSvgOptions, partialDependenceSvg } from './partial-dependence.js';
export { type TextHighlightOptions, textHighlightSvg } from './text-highlight.js';
export { type DecisionPlotOptions, waterfallSvg } from './waterfall.js';
