import { describe, expect, it } from 'vitest';
import type { PartialDependence } from '../global/partial-dependence.js';
import { barSummarySvg } from './bar-summary.js';
import { beeswarmSvg } from './beeswarm.js';
import { dependenceSvg } from './dependence.js';
import { forceSvg } from './force.js';
import { partialDependenceSvg } from './partial-dependence.js';
import { textHighlightSvg } from './text-highlight.js';
import { waterfallSvg } from './waterfall.js';

/** A node of the strict XML subset the plots write. */
interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

const ENTITY = /&(amp|lt|gt|quot|#39|#\d+);/g;
function unescapeXml(s: string): string {
  if (/&(?!(amp|lt|gt|quot|#39|#\d+);)/.test(s)) throw new Error(`bare & in ${JSON.stringify(s)}`);
  if (s.includes('<')) throw new Error(`raw < in ${JSON.stringify(s)}`);
  return s.replace(ENTITY, (_, e: string) =>
    e === 'amp'
      ? '&'
      : e === 'lt'
        ? '<'
        : e === 'gt'
          ? '>'
          : e === 'quot'
            ? '"'
            : e === '#39'
              ? "'"
              : String.fromCodePoint(Number(e.slice(1))),
  );
}

/** A strict well-formedness parser: one root, balanced tags, quoted attributes, escaped text. Throws on error. */
function parseXml(src: string): XmlNode {
  const root: XmlNode = { name: '#root', attrs: {}, children: [], text: '' };
  const stack: XmlNode[] = [root];
  let i = 0;
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    const chunk = src.slice(i, lt < 0 ? src.length : lt);
    if (chunk.trim() !== '') {
      if (stack.length === 1) throw new Error('text outside the root');
      stack[stack.length - 1]!.text += unescapeXml(chunk);
    } else if (chunk !== '' && stack.length > 1) stack[stack.length - 1]!.text += unescapeXml(chunk);
    if (lt < 0) break;
    const gt = src.indexOf('>', lt);
    if (gt < 0) throw new Error('unclosed tag');
    const tag = src.slice(lt + 1, gt);
    if (tag.startsWith('/')) {
      const open = stack.pop()!;
      if (open.name !== tag.slice(1)) throw new Error(`</${tag.slice(1)}> closes <${open.name}>`);
    } else {
      const self = tag.endsWith('/');
      const m = /^([A-Za-z][\w:-]*)((?:\s+[A-Za-z][\w:-]*="[^"]*")*)\s*\/?$/.exec(tag);
      if (!m) throw new Error(`bad tag <${tag}>`);
      const attrs: Record<string, string> = {};
      for (const a of m[2]!.matchAll(/([A-Za-z][\w:-]*)="([^"]*)"/g)) {
        if (a[1]! in attrs) throw new Error(`duplicate attribute ${a[1]}`);
        attrs[a[1]!] = unescapeXml(a[2]!);
      }
      const node: XmlNode = { name: m[1]!, attrs, children: [], text: '' };
      stack[stack.length - 1]!.children.push(node);
      if (stack.length === 1 && root.children.length > 1) throw new Error('more than one root');
      if (!self) stack.push(node);
    }
    i = gt + 1;
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  return root.children[0]!;
}

function all(n: XmlNode, pred: (n: XmlNode) => boolean, out: XmlNode[] = []): XmlNode[] {
  if (pred(n)) out.push(n);
  for (const c of n.children) all(c, pred, out);
  return out;
}

function checkSafe(svg: string): XmlNode {
  const root = parseXml(svg);
  expect(root.name).toBe('svg');
  expect(root.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
  const nodes = all(root, () => true);
  expect(nodes.some((n) => n.name === 'script' || n.name === 'foreignObject')).toBe(false);
  expect(nodes.some((n) => Object.keys(n.attrs).some((a) => a.toLowerCase().startsWith('on')))).toBe(false);
  return root;
}

/** Widths must be |value| × one common factor; rounding to 0.01 px allows 0.006 px per bar. */
function expectProportional(nodes: XmlNode[], valueAttr: string): void {
  const pairs = nodes
    .map((n) => ({ w: Number(n.attrs.width), v: Math.abs(Number(n.attrs[valueAttr])) }))
    .filter((p) => p.v > 0);
  expect(pairs.length).toBeGreaterThan(1);
  const k = pairs[0]!.w / pairs[0]!.v;
  for (const p of pairs)
    expect(Math.abs(p.w - k * p.v)).toBeLessThanOrEqual(0.006 + 0.006 * (p.v / pairs[0]!.v));
}

const HOSTILE = '<script>alert("x")</script> & co';
const EXPL = {
  featureNames: ['income', 'debt', 'age', HOSTILE, 'tenure'],
  rows: [
    {
      row: 0,
      prediction: 0.18,
      baseValue: 0.6,
      attributions: new Float64Array([-0.31, -0.12, 0.05, -0.04, 0]),
      values: [20000, 0.5, 30, 'a<b', 3],
    },
    {
      row: 1,
      prediction: 0.7,
      baseValue: 0.6,
      attributions: new Float64Array([0.2, -0.05, -0.1, 0.03, 0.02]),
      values: [52000, 0.1, 61, 'c', 7],
    },
    {
      row: 2,
      prediction: 0.4,
      baseValue: 0.6,
      attributions: new Float64Array([-0.1, -0.2, 0.15, -0.01, -0.04]),
      values: [31000, 0.8, 44, 'a<b', 1],
    },
  ],
};

describe('waterfallSvg', () => {
  it('is well-formed, script-free SVG whose bar widths are proportional to the attributions', () => {
    const root = checkSafe(waterfallSvg(EXPL, { top: 4 }));
    const bars = all(root, (n) => n.attrs.class === 'bar');
    // 4 features + "1 other feature" (tenure, 0).
    expect(bars.length).toBe(5);
    expect(bars.map((b) => b.attrs['data-feature'])).toEqual(['income', 'debt', 'age', HOSTILE, '']);
    expectProportional(bars, 'data-attribution');
  });

  it('escapes user strings and keeps them as text', () => {
    const svg = waterfallSvg(EXPL);
    expect(svg).not.toContain('<script>');
    const root = parseXml(svg);
    const texts = all(root, (n) => n.name === 'text').map((n) => n.text);
    expect(texts).toContain(`${HOSTILE} = a<b`);
  });
});

describe('forceSvg', () => {
  it('stacks segments whose widths are proportional to the attributions and meet at the output', () => {
    const root = checkSafe(forceSvg(EXPL, { row: 1 }));
    const segs = all(root, (n) => n.attrs.class === 'segment');
    expect(segs.length).toBe(5);
    expectProportional(segs, 'data-attribution');
    // Positive segments end where negative ones start (the output value): the rightmost positive edge.
    const pos = segs.filter((s) => Number(s.attrs['data-attribution']) > 0);
    const neg = segs.filter((s) => Number(s.attrs['data-attribution']) < 0);
    const posRight = Math.max(...pos.map((s) => Number(s.attrs.x) + Number(s.attrs.width)));
    const negLeft = Math.min(...neg.map((s) => Number(s.attrs.x)));
    expect(Math.abs(posRight - negLeft)).toBeLessThanOrEqual(0.02);
  });
});

describe('barSummarySvg', () => {
  it('draws bars proportional to the values, with error bars and escaped labels', () => {
    const root = checkSafe(
      barSummarySvg([
        { label: 'income', value: 0.2, error: 0.02 },
        { label: HOSTILE, value: 0.05 },
        { label: 'age', value: -0.01 },
      ]),
    );
    const bars = all(root, (n) => n.attrs.class === 'bar');
    expect(bars.map((b) => b.attrs['data-label'])).toEqual(['income', HOSTILE, 'age']);
    expectProportional(bars, 'data-value');
    expect(all(root, (n) => n.attrs.class === 'error').length).toBe(1);
  });
});

describe('beeswarmSvg', () => {
  it('draws one dot per row and shown feature, ordered left to right by attribution', () => {
    const root = checkSafe(beeswarmSvg(EXPL, { maxFeatures: 3 }));
    const dots = all(root, (n) => n.attrs.class === 'dot');
    expect(dots.length).toBe(9);
    const income = dots.filter((d) => d.attrs['data-feature'] === 'income');
    const byA = [...income].sort(
      (a, b) => Number(a.attrs['data-attribution']) - Number(b.attrs['data-attribution']),
    );
    const cx = byA.map((d) => Number(d.attrs.cx));
    expect(cx[0]!).toBeLessThan(cx[1]!);
    expect(cx[1]!).toBeLessThan(cx[2]!);
  });
});

describe('dependenceSvg', () => {
  it('places dots by value and attribution, higher attribution higher up', () => {
    const root = checkSafe(dependenceSvg(EXPL, 'income'));
    const dots = all(root, (n) => n.attrs.class === 'dot');
    expect(dots.map((d) => d.attrs['data-value'])).toEqual(['20000', '52000', '31000']);
    // SVG y grows downwards: the largest attribution (0.2, row 1) has the smallest cy.
    const cy = dots.map((d) => Number(d.attrs.cy));
    expect(cy[1]!).toBeLessThan(cy[2]!);
    expect(cy[2]!).toBeLessThan(cy[0]!);
  });

  it('handles a categorical feature with hostile level names', () => {
    const root = checkSafe(dependenceSvg(EXPL, HOSTILE));
    expect(all(root, (n) => n.name === 'text').map((n) => n.text)).toContain('a<b');
  });
});

describe('partialDependenceSvg', () => {
  const pd: PartialDependence = {
    kind: 'partialDependence',
    feature: 'age',
    featureKind: 'number',
    grid: [20, 40, 60],
    average: new Float64Array([0.2, 0.35, 0.5]),
    rows: Uint32Array.of(0, 1),
    ice: new Float64Array([0.1, 0.3, 0.45, 0.3, 0.4, 0.55]),
    output: { scale: 'probability', classLabel: 'yes' },
  };

  it('draws the average with its exact values and one path per ICE curve', () => {
    const root = checkSafe(partialDependenceSvg(pd));
    const pts = all(root, (n) => n.name === 'circle' && n.attrs.class === 'pd');
    expect(pts.map((p) => Number(p.attrs['data-y']))).toEqual([0.2, 0.35, 0.5]);
    expect(all(root, (n) => n.attrs.class === 'ice').length).toBe(2);
    // Equal steps in the average give equal steps on screen (linear scale), within rounding.
    const cy = pts.map((p) => Number(p.attrs.cy));
    expect(Math.abs(cy[0]! - cy[1]! - (cy[1]! - cy[2]!))).toBeLessThanOrEqual(0.02);
  });

  it('draws points per level for a categorical feature', () => {
    const root = checkSafe(partialDependenceSvg({ ...pd, featureKind: 'category', grid: ['x<y', 'b', 'c'] }));
    expect(all(root, (n) => n.name === 'text').map((n) => n.text)).toContain('x<y');
  });
});

describe('textHighlightSvg', () => {
  it('colours tokens by sign with opacity proportional to |attribution|', () => {
    const root = checkSafe(textHighlightSvg(['not', 'good', '<b>', 'at', 'all'], [-0.4, 0.2, 0.1, 0, -0.05]));
    const rects = all(root, (n) => n.attrs.class === 'token');
    expect(rects.map((r) => r.attrs['data-token'])).toEqual(['not', 'good', '<b>', 'at', 'all']);
    // Opacity = |φ|/0.4, printed to 2 decimals.
    expect(rects.map((r) => Number(r.attrs['fill-opacity']))).toEqual([1, 0.5, 0.25, 0, 0.13]);
    expect(rects[0]!.attrs.fill).not.toBe(rects[1]!.attrs.fill);
  });

  it('refuses attributions that do not match the tokens', () => {
    expect(() => textHighlightSvg(['a'], [1, 2])).toThrow(/one per token \(1\)/);
  });
});

describe('axis ticks', () => {
  it('label zero as 0, not as a rounding residue', async () => {
    const { ticks } = await import('./svg.js');
    // Step 0.1 over [−0.3, 0.3]: seven multiples of 0.1, the middle one exactly 0.
    expect(ticks(-0.3, 0.3, 6)).toEqual([-0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3]);
  });
});
