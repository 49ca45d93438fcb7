import { describe, expect, it } from 'vitest';
import { AequaError } from '../../core/index.js';
import { renderSvg } from './svg.js';

/** A tiny chart whose marks are clipped, so Vega emits a clipPath with an id and url(#…) references. */
const clipped = {
  data: {
    values: [
      { x: 0.2, y: 1 },
      { x: 1.5, y: 2 },
    ],
  },
  mark: { type: 'point', clip: true },
  encoding: {
    x: { field: 'x', type: 'quantitative', scale: { domain: [0, 1] } },
    y: { field: 'y', type: 'quantitative' },
  },
};

describe('renderSvg', () => {
  it('returns an SVG with role img, an escaped aria-label and a title as first child', async () => {
    const svg = await renderSvg(clipped, { id: 'c1', label: 'Points of "a" & <b>' });
    expect(svg.startsWith('<svg role="img" aria-label="Points of &quot;a&quot; &amp; &lt;b&gt;"')).toBe(true);
    expect(svg).toMatch(/^<svg [^>]*><title>Points of &quot;a&quot; &amp; &lt;b&gt;<\/title>/);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svg).toMatch(/viewBox="0 0 \d+ \d+"/);
  });

  it('prefixes internal ids with the chart id so that two charts on one page do not collide', async () => {
    const a = await renderSvg(clipped, { id: 'first', label: 'a' });
    const b = await renderSvg(clipped, { id: 'second', label: 'b' });
    const idsA = [...a.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
    const idsB = [...b.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
    expect(idsA.length).toBeGreaterThan(0);
    for (const id of idsA) expect(id.startsWith('first-')).toBe(true);
    for (const id of idsB) expect(id.startsWith('second-')).toBe(true);
    // Every url(#…) reference points at an id of the same chart.
    const refs = [...a.matchAll(/url\(#([^)]+)\)/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const r of refs) expect(idsA).toContain(r);
  });

  it('renders data strings as escaped text, never as markup', async () => {
    const spec = {
      data: { values: [{ g: '<script>alert(1)</script>', v: 1 }] },
      mark: 'bar',
      encoding: { y: { field: 'g', type: 'nominal' }, x: { field: 'v', type: 'quantitative' } },
    };
    const svg = await renderSvg(spec, { id: 'x', label: 'bars' });
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/scr');
  });

  it('rejects a chart id that could break out of an attribute', async () => {
    expect.assertions(2);
    try {
      await renderSvg(clipped, { id: 'a" onload="x', label: 'l' });
    } catch (e) {
      expect(e).toBeInstanceOf(AequaError);
      expect((e as AequaError).code).toBe('AEQ_INVALID_ARGUMENT');
    }
  });
});
