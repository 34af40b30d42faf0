import { useId } from 'react';
import { PREVIEW_CHART, previewChartGeometry } from './preview-chart.ts';
import { type CurvePoint, previewSummary } from './threshold-preview.ts';
import type { LivePreview } from './use-threshold-preview.ts';

export interface ThresholdPreviewProps {
  segmentName: string | undefined;
  live: LivePreview;
  /** The sweep's points merged with the live one. */
  curve: readonly CurvePoint[];
  hot: number | undefined;
  warm: number | undefined;
}

/** The text the status holds for a live preview state. */
export function liveText(segmentName: string | undefined, live: LivePreview): string {
  if (segmentName === undefined) return 'Add a segment to preview its thresholds.';
  switch (live.status) {
    case 'idle':
      return `Edit a threshold of ${segmentName} to preview it.`;
    case 'blocked':
      return live.reason;
    case 'loading':
      return live.previous === null
        ? `Previewing the thresholds of ${segmentName}…`
        : `${previewSummary(segmentName, live.previous)} Updating…`;
    case 'ready':
      return previewSummary(segmentName, live.answer);
    case 'error':
      return `The preview could not be loaded: ${live.message}.`;
  }
}

export function chartName(
  segmentName: string | undefined,
  hot: number | undefined,
  warm: number | undefined,
): string {
  const marks = [
    hot === undefined ? undefined : `hot threshold ${hot}`,
    warm === undefined ? undefined : `warm threshold ${warm}`,
  ].filter((mark) => mark !== undefined);
  return `Threshold preview chart${segmentName === undefined ? '' : ` for ${segmentName}`}: precision, recall and leads per week at each threshold${marks.length === 0 ? '' : `, ${marks.join(' and ')} marked`}`;
}

export function ThresholdPreview({ segmentName, live, curve, hot, warm }: ThresholdPreviewProps) {
  const headingId = useId();
  const geometry = previewChartGeometry(curve, hot, warm);
  const { plot } = geometry;
  const lastBarLabel = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 }).format(
    geometry.maxLeadsPerWeek,
  );
  return (
    <section className="ls-preview" aria-labelledby={headingId}>
      <h2 id={headingId}>Threshold preview{segmentName === undefined ? '' : `: ${segmentName}`}</h2>
      <p className="ls-muted">
        What the thresholds being edited would have done on the test window of the model serving the segment:
        hot leads per week, and of them the share that converted (precision) and the share of all conversions
        they caught (recall).
      </p>
      <div role="status" aria-label="Threshold preview" className="ls-preview-text">
        {liveText(segmentName, live)}
      </div>
      <svg
        role="img"
        aria-label={chartName(segmentName, hot, warm)}
        className="ls-preview-chart"
        viewBox={`0 0 ${PREVIEW_CHART.width} ${PREVIEW_CHART.height}`}
        width="100%"
        preserveAspectRatio="xMidYMid meet"
        focusable="false"
      >
        <line className="ls-chart-axis" x1={plot.x0} y1={plot.y0} x2={plot.x1} y2={plot.y0} />
        <line className="ls-chart-axis" x1={plot.x0} y1={plot.y0} x2={plot.x0} y2={plot.y1} />
        {geometry.yTicks.map((tick) => (
          <g key={tick.label}>
            <line className="ls-chart-grid" x1={plot.x0} y1={tick.y} x2={plot.x1} y2={tick.y} />
            <text className="ls-chart-label" x={plot.x0 - 4} y={tick.y + 4} textAnchor="end">
              {tick.label}
            </text>
          </g>
        ))}
        {geometry.xTicks.map((tick) => (
          <text key={tick.value} className="ls-chart-label" x={tick.x} y={plot.y0 + 14} textAnchor="middle">
            {tick.value}
          </text>
        ))}
        <text
          className="ls-chart-label"
          x={(plot.x0 + plot.x1) / 2}
          y={PREVIEW_CHART.height - 2}
          textAnchor="middle"
        >
          Score threshold
        </text>
        <text className="ls-chart-label" x={plot.x1 + 4} y={plot.y1 + 4} textAnchor="start">
          {lastBarLabel}/wk
        </text>
        {geometry.bars.map((bar) => (
          <rect
            key={bar.threshold}
            className="ls-chart-bar"
            x={bar.x}
            y={bar.y}
            width={bar.width}
            height={bar.height}
          />
        ))}
        <path className="ls-chart-precision" d={geometry.precisionPath} fill="none" />
        <path className="ls-chart-recall" d={geometry.recallPath} fill="none" />
        {geometry.warmX === null ? null : (
          <line
            className="ls-chart-marker-warm"
            x1={geometry.warmX}
            y1={plot.y0}
            x2={geometry.warmX}
            y2={plot.y1}
          />
        )}
        {geometry.hotX === null ? null : (
          <g>
            <line
              className="ls-chart-marker-hot"
              x1={geometry.hotX}
              y1={plot.y0}
              x2={geometry.hotX}
              y2={plot.y1}
            />
            <text
              className="ls-chart-label ls-chart-marker-label"
              x={geometry.hotX}
              y={plot.y1 - 2}
              textAnchor="middle"
            >
              Hot {hot}
            </text>
          </g>
        )}
      </svg>
      <ul className="ls-legend" aria-hidden="true">
        <li className="ls-legend-precision">Precision</li>
        <li className="ls-legend-recall">Recall</li>
        <li className="ls-legend-bar">Leads per week (right scale)</li>
        <li className="ls-legend-hot">Hot threshold</li>
        <li className="ls-legend-warm">Warm threshold</li>
      </ul>
    </section>
  );
}
