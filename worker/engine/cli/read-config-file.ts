import { readFileSync } from 'node:fs';
import { CliError } from './cli-error.ts';

/** One `key = value` line of a LightGBM-style config file. */
export interface ConfigEntry {
  key: string;
  value: string;
  /** 1-based line in the file. */
  line: number;
}

/**
 * Reads a LightGBM config file: one `key = value` per line, `#` starts a comment (to the end of the
 * line), blank lines are skipped, spaces around the key and the value do not count.
 */
export function readConfigFile(command: string, file: string): ConfigEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new CliError(`leadscore ${command}: --config ${file}: cannot read the config file (${code})`);
  }
  return parseConfigText(file, text);
}

export function parseConfigText(file: string, text: string): ConfigEntry[] {
  const entries: ConfigEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const content = raw.replace(/#.*$/, '').trim();
    if (content === '') return;
    const equals = content.indexOf('=');
    const key = equals < 0 ? '' : content.slice(0, equals).trim();
    if (key === '') {
      throw new CliError(
        `${file}, line ${index + 1}: expected "key = value", found ${JSON.stringify(content)}`,
      );
    }
    entries.push({ key, value: content.slice(equals + 1).trim(), line: index + 1 });
  });
  return entries;
}
