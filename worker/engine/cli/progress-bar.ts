import cliProgress from 'cli-progress';
import type { TrainingProgress } from '../runtime/train-task.ts';

/**
 * A training progress bar on stderr. cli-progress draws nothing when stderr is not a terminal, so
 * piped or captured runs keep a clean stderr (errors stay one line).
 */
export function trainingProgressBar(iterations: number, metricName: string) {
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `training [{bar}] {value}/{total} iterations | valid ${metricName} {metric} | {duration_formatted}`,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(event: TrainingProgress): void {
      if (!started) {
        bar.start(iterations, 0, { metric: '-' });
        started = true;
      }
      const metric = event.validMetric === undefined ? '-' : event.validMetric.toFixed(5);
      bar.update(event.iteration, { metric });
    },
    stop(): void {
      if (started) bar.stop();
    },
  };
}
