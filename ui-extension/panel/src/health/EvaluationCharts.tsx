import {
  CALIBRATION_CHART,
  calibrationGeometry,
  calibrationMethod,
  calibrationName,
  calibrationSummary,
  LIFT_CHART,
  liftGeometry,
  liftName,
  liftSummary,
} from './evaluation-charts.ts';
import type { ModelEvaluation } from './health-types.ts';

export function CalibrationPlot({ evaluation }: { evaluation: ModelEvaluation }) {
  const summary = calibrationSummary(evaluation);
  if (evaluation.calibration === null)
    return (
      <figure className="ls-figure">
        <svg
          role="img"
          aria-label={`Calibration plot of ${evaluation.version}: not available`}
          className="ls-chart-empty"
          viewBox="0 0 320 40"
          width="100%"
          focusable="false"
        >
          <text className="ls-chart-label" x="8" y="24">
            No calibration plot
          </text>
        </svg>
        <figcaption>{summary[0]}</figcaption>
      </figure>
    );
  const geometry = calibrationGeometry(evaluation.calibration.bins);
  const { plot } = geometry;
  return (
    <figure className="ls-figure">
      <svg
        role="img"
        aria-label={calibrationName(evaluation)}
        className="ls-chart"
        viewBox={`0 0 ${CALIBRATION_CHART.width} ${CALIBRATION_CHART.height}`}
        width="100%"
        focusable="false"
      >
        <line className="ls-chart-axis" x1={plot.x0} y1={plot.y0} x2={plot.x1} y2={plot.y0} />
        <line className="ls-chart-axis" x1={plot.x0} y1={plot.y0} x2={plot.x0} y2={plot.y1} />
        {geometry.ticks.map((tick) => (
          <g key={tick.label}>
            <text className="ls-chart-label" x={tick.x} y={plot.y0 + 14} textAnchor="middle">
              {tick.label}
            </text>
            <text className="ls-chart-label" x={plot.x0 - 4} y={tick.y + 4} textAnchor="end">
              {tick.label}
            </text>
          </g>
        ))}
        <line
          className="ls-chart-diagonal"
          x1={geometry.diagonal.x1}
          y1={geometry.diagonal.y1}
          x2={geometry.diagonal.x2}
          y2={geometry.diagonal.y2}
        />
        {geometry.ranges.map((range) => (
          <line
            key={range.bin}
            className="ls-chart-line"
            strokeOpacity={0.45}
            x1={range.x1}
            y1={range.y}
            x2={range.x2}
            y2={range.y}
          />
        ))}
        <path className="ls-chart-line" d={geometry.path} fill="none" />
        {geometry.points.map((point) => (
          <circle key={point.bin} className="ls-chart-point" cx={point.cx} cy={point.cy} r={point.r} />
        ))}
        <text
          className="ls-chart-label"
          x={(plot.x0 + plot.x1) / 2}
          y={CALIBRATION_CHART.height - 6}
          textAnchor="middle"
        >
          Predicted conversion
        </text>
        <text
          className="ls-chart-label"
          x={12}
          y={(plot.y0 + plot.y1) / 2}
          textAnchor="middle"
          transform={`rotate(-90 12 ${(plot.y0 + plot.y1) / 2})`}
        >
          Observed conversion
        </text>
      </svg>
      <figcaption>
        <p>
          Points on the dotted diagonal mean the predicted chance matched what happened; larger points hold
          more examples. {calibrationMethod(evaluation)}
        </p>
        <ul className="ls-summary-list">
          {summary.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}

export function LiftChart({ evaluation }: { evaluation: ModelEvaluation }) {
  const geometry = liftGeometry(evaluation.lift);
  const { plot } = geometry;
  return (
    <figure className="ls-figure">
      <svg
        role="img"
        aria-label={liftName(evaluation)}
        className="ls-chart"
        viewBox={`0 0 ${LIFT_CHART.width} ${LIFT_CHART.height}`}
        width="100%"
        focusable="false"
      >
        <line className="ls-chart-axis" x1={plot.x0} y1={plot.y0} x2={plot.x1} y2={plot.y0} />
        <line className="ls-chart-axis" x1={plot.x0} y1={plot.y0} x2={plot.x0} y2={plot.y1} />
        {geometry.ticks.map((tick) => (
          <text key={tick.label} className="ls-chart-label" x={plot.x0 - 4} y={tick.y + 4} textAnchor="end">
            {tick.label}
          </text>
        ))}
        {geometry.bars.map((bar) => (
          <rect
            key={bar.decile}
            className="ls-chart-lift"
            x={bar.x}
            y={bar.y}
            width={bar.width}
            height={bar.height}
          />
        ))}
        <line
          className="ls-chart-baseline"
          x1={plot.x0}
          y1={geometry.baselineY}
          x2={plot.x1}
          y2={geometry.baselineY}
        />
        {geometry.labels.map((label) => (
          <text
            key={label.decile}
            className="ls-chart-label"
            x={label.x}
            y={plot.y0 + 14}
            textAnchor="middle"
          >
            {label.decile}
          </text>
        ))}
        <text
          className="ls-chart-label"
          x={(plot.x0 + plot.x1) / 2}
          y={LIFT_CHART.height - 6}
          textAnchor="middle"
        >
          Score decile (1 = highest scores)
        </text>
      </svg>
      <figcaption>
        <p>
          Conversion of each tenth of the test window by score, against the base rate
          {evaluation.baseRate === null ? '' : ` of ${Math.round(evaluation.baseRate * 1000) / 10}%`} (dashed
          line).
        </p>
        <ul className="ls-summary-list">
          {liftSummary(evaluation).map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
