import uPlot from 'uplot';

/** What the server puts in `.chart[data-chart]` (src/tab/dashboardPage.ts): one indicator's values per round. */
interface ChartData {
  title: string;
  unit: string;
  labels: string[];
  values: (number | null)[];
  baseline?: number;
  target?: number;
  names: { value: string; baseline: string; target: string };
}

/** The chart's colours and font, from the theme's custom properties (tab.css), so a chart follows the theme. */
interface Look {
  value: string;
  baseline: string;
  target: string;
  text: string;
  grid: string;
  font: string;
}

const height = 260;
/** About the width of a round's label on the x axis; closer labels are thinned out. */
const labelWidth = 110;
const lineLength = 18;

/** The charts drawn now, each with its data, so a theme change or a resize can draw them again. */
const drawn = new Map<HTMLElement, { data: ChartData; plot: uPlot }>();

const resized = new ResizeObserver((entries) => {
  for (const entry of entries) {
    const chart = drawn.get(entry.target as HTMLElement);
    const width = Math.floor(entry.contentRect.width);
    if (chart && width > 0 && width !== chart.plot.width) draw(entry.target as HTMLElement, chart.data);
  }
});

/** Draws every `.chart[data-chart]` under `root`; the charts of content that was replaced are let go. */
export function drawCharts(root: HTMLElement): void {
  for (const [element, chart] of drawn) {
    if (!element.isConnected) {
      chart.plot.destroy();
      resized.unobserve(element);
      drawn.delete(element);
    }
  }
  for (const element of root.querySelectorAll<HTMLElement>('.chart[data-chart]')) {
    const data = chartData(element.dataset.chart);
    if (!data) continue;
    draw(element, data);
    resized.observe(element);
  }
}

/** The theme changed: every chart again in its colours. */
export function redrawCharts(): void {
  for (const [element, chart] of drawn) draw(element, chart.data);
}

function draw(element: HTMLElement, data: ChartData): void {
  drawn.get(element)?.plot.destroy();
  const width = Math.max(Math.floor(element.clientWidth), 200);
  const plot = new uPlot(options(data, width, lookOf(element)), series(data), element);
  // The key to the lines, not data: the chart is one image (role="img"), its table after it has the values.
  plot.root.querySelector('.u-legend')?.setAttribute('role', 'presentation');
  drawn.set(element, { data, plot });
}

function series(data: ChartData): uPlot.AlignedData {
  const rounds = data.labels.map((_, i) => i);
  const level = (value: number) => rounds.map(() => value);
  return [
    rounds,
    data.values,
    ...(data.baseline !== undefined ? [level(data.baseline)] : []),
    ...(data.target !== undefined ? [level(data.target)] : []),
  ];
}

function options(data: ChartData, width: number, look: Look): uPlot.Options {
  const rounds = data.labels.length;
  const every = Math.max(1, Math.ceil((rounds * labelWidth) / width));
  const axis = {
    stroke: look.text,
    font: look.font,
    labelFont: look.font,
    grid: { stroke: look.grid, width: 1 },
    ticks: { stroke: look.grid, width: 1 },
  };
  return {
    width,
    height,
    cursor: { show: false },
    select: { show: false, left: 0, top: 0, width: 0, height: 0 },
    legend: { show: true, live: false },
    scales: { x: { time: false, range: [-0.5, rounds - 0.5] } },
    axes: [
      {
        ...axis,
        size: 56,
        splits: () => data.labels.map((_, i) => i).filter((i) => i % every === 0),
        values: (_plot, splits) => splits.map((i) => tickLabel(data.labels[i] ?? '')),
      },
      { ...axis, label: data.unit, size: 60 },
    ],
    series: [
      { label: '' },
      {
        label: data.names.value,
        stroke: look.value,
        width: 2,
        points: { show: true, size: 8, fill: look.value, stroke: look.value },
      },
      ...(data.baseline !== undefined ? [referenceLine(data.names.baseline, look.baseline, [4, 4])] : []),
      ...(data.target !== undefined ? [referenceLine(data.names.target, look.target, [12, 6])] : []),
    ],
  };
}

/** The baseline or the target: a dashed line without points, told apart by its dashes as well as its colour. */
function referenceLine(label: string, stroke: string, dash: number[]) {
  return { label, stroke, width: 2, dash, points: { show: false } };
}

/** A round's label on the x axis in at most two lines ("januari 2021" over "(exempel)"); the table has it whole. */
function tickLabel(label: string): string {
  const lines: string[] = [];
  for (const word of label.split(/\s+/)) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= lineLength)
      lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  const shown = lines.slice(0, 2).map(shortened);
  if (lines.length > 2) shown[1] = shortened(`${shown[1] ?? ''}…`);
  return shown.join('\n');
}

function shortened(line: string): string {
  return line.length <= lineLength ? line : `${line.slice(0, lineLength - 1).trimEnd()}…`;
}

function lookOf(element: HTMLElement): Look {
  const style = getComputedStyle(element);
  const property = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    value: property('--chart-value', '#5b5fc7'),
    baseline: property('--chart-baseline', '#616161'),
    target: property('--chart-target', '#0e7a0b'),
    text: property('--text', '#242424'),
    grid: property('--chart-grid', '#e0e0e0'),
    font: `12px ${style.fontFamily}`,
  };
}

function chartData(json: string | undefined): ChartData | undefined {
  if (!json) return undefined;
  try {
    const data: unknown = JSON.parse(json);
    return isChartData(data) ? data : undefined;
  } catch {
    return undefined;
  }
}

function isChartData(data: unknown): data is ChartData {
  if (!data || typeof data !== 'object') return false;
  const d = data as Record<string, unknown>;
  return (
    Array.isArray(d.labels) &&
    Array.isArray(d.values) &&
    d.labels.length === d.values.length &&
    typeof d.unit === 'string' &&
    typeof d.names === 'object' &&
    d.names !== null
  );
}
