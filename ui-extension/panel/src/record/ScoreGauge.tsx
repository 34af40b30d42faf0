import { gaugeDash } from '../charts/scales.ts';
import type { Tier } from '../format.ts';

const RADIUS = 52;

/** The score as a ring filled to its share of 100, with the number in the middle. */
export function ScoreGauge({ score, tier, valueText }: { score: number; tier: Tier; valueText: string }) {
  const { filled, circumference } = gaugeDash(score, 100, RADIUS);
  return (
    // biome-ignore lint/a11y/useSemanticElements: a native <meter> renders only its own bar, not the ring
    <div
      className="ls-gauge"
      role="meter"
      aria-label="Lead score"
      aria-valuenow={score}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuetext={valueText}
    >
      <svg className="ls-gauge-svg" viewBox="0 0 120 120" aria-hidden="true" focusable="false">
        <circle className="ls-gauge-track" cx="60" cy="60" r={RADIUS} fill="none" strokeWidth="10" />
        <circle
          className={`ls-gauge-value ls-gauge-${tier}`}
          cx="60"
          cy="60"
          r={RADIUS}
          fill="none"
          strokeWidth="10"
          strokeLinecap="round"
          strokeDasharray={`${filled} ${circumference}`}
          transform="rotate(-90 60 60)"
        />
        <text className="ls-gauge-number" x="60" y="60" textAnchor="middle" dominantBaseline="central">
          {score}
        </text>
      </svg>
    </div>
  );
}

export function TierBadge({ tier, label }: { tier: Tier; label: string }) {
  return <span className={`ls-tier ls-tier-${tier}`}>{label}</span>;
}
