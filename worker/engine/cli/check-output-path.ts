import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { CliError } from './cli-error.ts';

/**
 * Checks, before any work starts, that an output file can be written: its folder exists and is
 * writable, and the path is not a folder or a read-only file. Otherwise one line names the flag.
 */
export function checkOutputPath(
  command: string,
  flag: string,
  file: string,
  /** How writability is asked; tests pass a stand-in, since root may write anywhere. */
  checkWritable: (target: string) => void = (target) => accessSync(target, constants.W_OK),
): void {
  const fail = (problem: string): never => {
    throw new CliError(`leadscore ${command}: --${flag} ${file}: ${problem}`);
  };
  const folder = path.dirname(path.resolve(file));
  const folderStat = statOrUndefined(folder);
  if (folderStat === undefined) fail(`the folder ${folder} does not exist; create it first`);
  if (!folderStat?.isDirectory()) fail(`${folder} is not a folder`);
  const fileStat = statOrUndefined(file);
  if (fileStat?.isDirectory()) fail('is a folder; give a file name');
  try {
    checkWritable(fileStat === undefined ? folder : file);
  } catch {
    fail(fileStat === undefined ? `the folder ${folder} is not writable` : 'the file is not writable');
  }
}

function statOrUndefined(target: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(target);
  } catch {
    return undefined;
  }
}
