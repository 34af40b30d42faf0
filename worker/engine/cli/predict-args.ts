import { CliError } from './cli-error.ts';
import { numberFlag, optionalString, parseFlags, requiredString } from './parse-flags.ts';

export interface PredictArgs {
  modelFile: string;
  dataFile: string;
  outFile: string;
  contrib: boolean;
  matrixOutFile: string | undefined;
  /** Column copied into the output: a name, `null` for none, undefined to pick an id-like column. */
  idColumn: string | null | undefined;
  /** Number of `factor_` columns (the largest contributions per row, as text); 0 for none. */
  top: number;
}

export const PREDICT_USAGE =
  'leadscore predict --model <model.txt> --data <csv> --out <csv> [--id-column <name>|none] [--contrib] [--top N] [--matrix-out <csv>]';

export const PREDICT_HELP = [
  'usage:',
  `  ${PREDICT_USAGE}`,
  '',
  'Scores every row of a CSV file with a model, in input order.',
  '',
  '  --model FILE          a model written by leadscore train, or any LightGBM v4 text model; required',
  '  --data FILE           the CSV to score (the label column, if present, is not read); required',
  '  --out FILE            where to write the scores as CSV: probability, raw_score (log-odds); required',
  '  --id-column NAME      a column copied into the output first; default: the first column named like an',
  '                        id (id, lead_id, "Prospect ID", LeadId, ...); none for no id column',
  '  --contrib             add contrib_<feature> columns (exact SHAP contributions in log-odds) and',
  '                        expected_raw_score; they add up to raw_score',
  '  --top N               add factor_1..factor_N: the N largest contributions per row as text,',
  '                        e.g. pricing_page_views=4 (+0.82); default 0 (none); an integer >= 0',
  '  --matrix-out FILE     also write the feature matrix the model read (with a header), for checking',
  '  --help, -h            this text',
].join('\n');

export function parsePredictArgs(args: string[]): PredictArgs {
  const values = parseFlags('predict', args, {
    model: { type: 'string' },
    data: { type: 'string' },
    out: { type: 'string' },
    contrib: { type: 'boolean' },
    'matrix-out': { type: 'string' },
    'id-column': { type: 'string' },
    top: { type: 'string' },
  });
  const top = numberFlag('predict', values, 'top', 'int') ?? 0;
  if (top < 0) throw new CliError(`leadscore predict: --top must be an integer >= 0, got ${top}`);
  const idColumn = optionalString(values, 'id-column');
  if (idColumn === '') throw new CliError('leadscore predict: --id-column needs a column name (or none)');
  return {
    modelFile: requiredString('predict', values, 'model'),
    dataFile: requiredString('predict', values, 'data'),
    outFile: requiredString('predict', values, 'out'),
    contrib: values.contrib === true,
    matrixOutFile: optionalString(values, 'matrix-out'),
    idColumn: idColumn === 'none' ? null : idColumn,
    top,
  };
}
