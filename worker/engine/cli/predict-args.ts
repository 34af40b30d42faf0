import { optionalString, parseFlags, requiredString } from './parse-flags.ts';

export interface PredictArgs {
  modelFile: string;
  dataFile: string;
  outFile: string;
  contrib: boolean;
  matrixOutFile: string | undefined;
}

export const PREDICT_USAGE =
  'leadscore predict --model <model.txt> --data <csv> --out <csv> [--contrib] [--matrix-out <csv>]';

export function parsePredictArgs(args: string[]): PredictArgs {
  const values = parseFlags('predict', args, {
    model: { type: 'string' },
    data: { type: 'string' },
    out: { type: 'string' },
    contrib: { type: 'boolean' },
    'matrix-out': { type: 'string' },
  });
  return {
    modelFile: requiredString('predict', values, 'model'),
    dataFile: requiredString('predict', values, 'data'),
    outFile: requiredString('predict', values, 'out'),
    contrib: values.contrib === true,
    matrixOutFile: optionalString(values, 'matrix-out'),
  };
}
