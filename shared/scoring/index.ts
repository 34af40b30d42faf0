/** Score, tier, factor points and text, segments and recommendations: defined once, imported everywhere. */
export * from './factor-points.ts';
export * from './factor-text.ts';
export * from './holdout.ts';
export * from './model-score.ts';
export * from './recommendation.ts';
export * from './score-scale.ts';
export * from './segment-rules.ts';
export * from './transparent-rules.ts';
export * from './validate-settings.ts';
