/** The shared chart frame: checked options, the plot area under the header, and the y axis. */
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/errors.js';
import { chartBasics, chartFrame, linearAxisTicks, logAxisTicks, xAxisRoom } from '../../src/report/frame.js';
import { logTicks, niceTicks } from '../../src/report/svg.js';
import { texts } from '../support/svg.js';

const basics = { title: 'Loss', xLabel: 'epoch', yLabel: 'value', width: 600, height: 300 };

describe('chartBasics', () => {
  it('fills in the default size and names the chart function in errors', () => {
    expect(chartBasics('lineChart', { title: 't', xLabel: '', yLabel: 'y' })).toEqual({
      title: 't',
      xLabel: '',
      yLabel: 'y',
      width: 900,
      height: 400,
    });
    expect(() => chartBasics('barChart', { ...basics, title: 3 as unknown as string })).toThrow(
      'barChart: title must be a string, got number',
    );
    expect(() => chartBasics('barChart', { ...basics, width: 10 })).toThrow(ValueError);
  });
});

describe('chartFrame', () => {
  const ticks = linearAxisTicks(niceTicks(0, 10));

  it('places the plot under the header, inside the width, with room below for the x axis', () => {
    const f = chartFrame(basics, {
      cls: 'x',
      legend: [{ name: 'train', color: '#000' }],
      y: { ticks, domain: [0, 10] },
      below: xAxisRoom('epoch'),
    });
    expect(f.plot.top).toBeGreaterThan(20);
    expect(f.plot.right).toBe(600 - 24);
    expect(f.plot.bottom).toBe(300 - 56);
    expect(f.plot.left).toBeGreaterThan(0);
    // The y scale maps the domain onto the plot, top value at the top.
    expect(f.sy(0)).toBeCloseTo(f.plot.bottom, 9);
    expect(f.sy(10)).toBeCloseTo(f.plot.top, 9);
    const shown = texts(f.svg);
    for (const s of ['Loss', 'train', 'value', ...ticks.map((t) => t.label)]) expect(shown).toContain(s);
    expect(f.svg.startsWith('<svg')).toBe(true);
    expect(f.svg).toContain('class="chart x"');
  });

  it('gives a `below` function the plot’s left edge', () => {
    let seen = -1;
    const f = chartFrame(basics, {
      cls: 'x',
      legend: [],
      y: { ticks, domain: [0, 10] },
      below: (left) => {
        seen = left;
        return 100;
      },
    });
    expect(seen).toBe(f.plot.left);
    expect(f.plot.bottom).toBe(200);
  });

  it('uses a log scale when asked: decades are evenly spaced', () => {
    const lt = logTicks(1, 1000);
    const f = chartFrame(basics, {
      cls: 'x',
      legend: [],
      y: { ticks: logAxisTicks(lt), domain: [lt.min, lt.max], log: true, minor: lt.minor },
      below: 34,
    });
    expect(f.sy(1) - f.sy(10)).toBeCloseTo(f.sy(10) - f.sy(100), 9);
  });
});
