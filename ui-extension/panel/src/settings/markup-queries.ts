/**
 * Small readers of static markup for render tests without a DOM: labels by their `for`, elements by
 * id, names as a screen reader would read them (tags stripped, entities decoded).
 */

export function decode(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The text of markup: comments dropped, tags read as spaces, entities decoded, spaces collapsed. */
export function textOf(markup: string): string {
  return decode(markup.replace(/<!--.*?-->/g, '').replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

/** `for` → label text of every `<label>`. */
export function labels(markup: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of markup.matchAll(/<label[^>]*\bfor="([^"]+)"[^>]*>(.*?)<\/label>/g)) {
    found.set(decode(match[1] ?? ''), textOf(match[2] ?? ''));
  }
  return found;
}

/** The opening tag of the element with this id. */
export function tagWithId(markup: string, id: string): string | undefined {
  const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`<[a-z]+[^>]*\\bid="${escaped}"[^>]*>`).exec(markup)?.[0];
}

export function attribute(tag: string, name: string): string | undefined {
  const value = new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
  return value === undefined ? undefined : decode(value);
}

/** Inputs whose role is spinbutton (`type="number"`), by their label text. */
export function spinbuttons(markup: string): Map<string, string> {
  const byName = new Map<string, string>();
  for (const [id, name] of labels(markup)) {
    const tag = tagWithId(markup, id);
    if (tag?.startsWith('<input') && attribute(tag, 'type') === 'number') byName.set(name, id);
  }
  return byName;
}

/** The text of the element with this id (its first closing tag of the same name ends it). */
export function textOfId(markup: string, id: string): string | undefined {
  const tag = tagWithId(markup, id);
  if (tag === undefined) return undefined;
  const name = /^<([a-z]+)/.exec(tag)?.[1] ?? '';
  const start = markup.indexOf(tag) + tag.length;
  const end = markup.indexOf(`</${name}>`, start);
  return textOf(markup.slice(start, end));
}
