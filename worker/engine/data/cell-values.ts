import { parseNumericCell } from '../io/input-schema.ts';

/**
 * Category lists in a fixed order, so the same data always gives the same integer codes: numerically
 * when every category is a number (forced categorical columns such as "1","2","10"), else by code unit.
 */
export function orderCategories(values: Iterable<string>): string[] {
  const list = [...values];
  const numbers = list.map(parseNumericCell);
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
