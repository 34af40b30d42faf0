import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GOLDEN_DIR } from '../io/golden-fixtures.ts';
import { repoRoot } from './run-leadscore.ts';

const directory = mkdtempSync(path.join(tmpdir(), 'leadscore-cancel-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('leadscore train on Ctrl-C', () => {
  it('cancels training, writes no model and exits with 130', async () => {
    const model = path.join(directory, 'cancelled.txt');
    // 100,000 iterations on the golden training leads take minutes, so Ctrl-C at 4 s lands mid-training;
    // the model they could make stays under the default --max-model-mb.
    const child = spawn(
      process.execPath,
      [
        path.join(repoRoot, 'bin', 'leadscore.mjs'),
        'train',
        '--train',
        path.join(GOLDEN_DIR, 'leads-train.csv'),
        '--label',
        'converted',
        '--drop',
        'lead_id',
        '--iterations',
        '100000',
        '--model',
        model,
      ],
      { cwd: repoRoot },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGINT'), 4000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    clearTimeout(timer);
    expect(stderr).toBe('error: training was cancelled\n');
    expect(code).toBe(130);
    expect(existsSync(model)).toBe(false);
  });
});
