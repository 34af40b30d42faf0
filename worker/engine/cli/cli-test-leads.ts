import { writeFileSync } from 'node:fs';

/**
 * A small, seeded lead table for command-line tests: an id, an email, two counts that drive the
 * label, a source and the 0/1 label. The same seed always writes the same bytes.
 */
export function writeLeadsCsv(file: string, rows: number, seed = 1): void {
  let state = seed >>> 0;
  const random = (): number => {
    // A 32-bit linear congruential generator: enough for test data, identical on every machine.
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const sources = ['web', 'email', 'ads', 'referral'];
  const lines = ['lead_id,email,visits,pricing_page_views,source,converted'];
  for (let row = 0; row < rows; row += 1) {
    const visits = Math.floor(random() * 12);
    const pricing = Math.floor(random() * 7);
    const source = sources[Math.floor(random() * sources.length)];
    const score = pricing * 0.6 + visits * 0.2 + (source === 'referral' ? 1 : 0) + random() * 3;
    lines.push(`L${1000 + row},lead${row}@example.com,${visits},${pricing},${source},${score > 4.5 ? 1 : 0}`);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}
