/**
 * @module report/charts/theme
 * Colours and the shared Vega-Lite config of the report charts. The palette is Okabe & Ito's
 * colour-blind-safe set ("Color Universal Design", https://jfly.uni-koeln.de/color/), and every
 * colour cue is doubled by a shape, dash or text label so the charts also read in grey print.
 */

/** Okabe–Ito colours, in the order used for groups (black last, it is kept for reference lines). */
export const OKABE_ITO = [
  '#0072B2', // blue
  '#E69F00', // orange
  '#009E73', // bluish green
  '#CC79A7', // reddish purple
  '#56B4E9', // sky blue
  '#D55E00', // vermilion
  '#F0E442', // yellow
  '#000000', // black
] as const;

/** Semantic colours: bars, significant gaps / failed rules, passes, untested, reference lines. */
export const COLORS = {
  bar: '#0072B2',
  significant: '#D55E00',
  notSignificant: '#0072B2',
  untested: '#7A7A7A',
  pass: '#009E73',
  reference: '#222222',
  band: '#009E73',
} as const;

/** The Vega-Lite `config` of every report chart: small fonts, no chart border, white background. */
export const CHART_CONFIG = {
  background: 'white',
  font: 'sans-serif',
  view: { stroke: null },
  axis: {
    labelFontSize: 11,
    titleFontSize: 11,
    titleFontWeight: 'normal',
    labelColor: '#333',
    titleColor: '#333',
    gridColor: '#e6e6e6',
  },
  legend: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal', labelLimit: 220 },
  header: { labelFontSize: 12, labelFontWeight: 'bold', titleFontSize: 12 },
  title: { fontSize: 13, fontWeight: 'bold', anchor: 'start' },
} as const;
