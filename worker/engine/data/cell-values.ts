/** A plain decimal number: no hex, no `Infinity`, no thousands separators, so codes like "0x1" stay text. */
const NUMBER_PATTERN = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A cell is missing when it is empty or holds only spaces. */
export function isMissingCell(cell: string): boolean {
  return cell.trim() === '';
}

/** The number a non-empty cell holds, or undefined when it is not a plain decimal number. */
export function parseNumberCell(cell: string): number | undefined {
  const text = cell.trim();
  if (!NUMBER_PATTERN.test(text)) return undefined;
  return Number(text);
}

/**
 * Category lists in a fixed order, so the same data always gives the same integer codes: numerically
 * when every category is a number (forced categorical columns such as "1","2","10"), else by code unit.
 */
export function orderCategories(values: Iterable<string>): string[] {
  const list = [...values];
  const numbers = list.map(parseNumberCell);
  if (numbers.every((value) => value !== undefined)) {
    return list
      .map((text, index) => ({ text, value: numbers[index] as number }))
      .sort((a, b) => a.value - b.value || compareText(a.text, b.text))
      .map((entry) => entry.text);
  }
  return list.sort(compareText);
}

function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
