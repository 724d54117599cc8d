import { BarElement, CategoryScale, Chart as ChartJS, LinearScale, Tooltip } from 'chart.js';
import { Bar } from 'react-chartjs-2';

// Only what bar charts need: chart.js is tree-shaken to these parts.
ChartJS.register(CategoryScale, LinearScale, BarElement, Tooltip);

const ACCENT = '#0b5cad';
const OK = '#1a7f37';

export interface BarDatum {
  label: string;
  value: number;
  /** What the tooltip says for this bar (the value in words). */
  text: string;
}

/**
 * A horizontal bar chart on a canvas, with its figures also said in `summary` (read by screen
 * readers; the tables and captions beside it carry the same figures for everyone).
 */
export function BarChart({
  data,
  summary,
  percent = false,
  testId,
}: {
  data: readonly BarDatum[];
  summary: string;
  /** Values are shares from 0 to 1, drawn on a 0–100 % axis. */
  percent?: boolean;
  testId: string;
}) {
  // Each bar takes about 2.2rem: the chart grows with its rows rather than squeezing them.
  const height = Math.max(120, 36 * data.length + 40);
  return (
    <div className="dash-chart" style={{ height }} data-testid={testId}>
      <Bar
        role="img"
        aria-label={summary}
        data={{
          labels: data.map((d) => d.label),
          datasets: [
            {
              data: data.map((d) => (percent ? d.value * 100 : d.value)),
              backgroundColor: percent ? OK : ACCENT,
              borderRadius: 3,
              maxBarThickness: 28,
            },
          ],
        }}
        options={{
          indexAxis: 'y',
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          plugins: {
            legend: { display: false },
            tooltip: { callbacks: { label: (item) => data[item.dataIndex]?.text ?? '' } },
          },
          scales: {
            x: percent
              ? { min: 0, max: 100, ticks: { callback: (v) => `${String(v)}%` } }
              : { beginAtZero: true, ticks: { precision: 0 } },
            y: { ticks: { autoSkip: false } },
          },
        }}
      />
    </div>
  );
}
