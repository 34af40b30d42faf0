import type { Model } from '../io/model.ts';
import { CliError } from './cli-error.ts';

/** A model in LightGBM's text format; wired to the model writer of the io module. */
export function modelText(_model: Model): string {
  throw new CliError('leadscore train: saving models is not available in this build');
}
