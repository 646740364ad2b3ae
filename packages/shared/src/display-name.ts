/** Bidi embeddings, overrides and isolates: they reorder the text around a name (U+202A–E, U+2066–9). */
const bidiControls = /[\u202A-\u202E\u2066-\u2069]/u;
/** Something a reader can see: a letter, digit, punctuation or symbol. */
const visible = /[\p{L}\p{N}\p{P}\p{S}]/u;

/** Why a display name (already NFC and trimmed) is refused, or null. */
export function displayNameProblem(name: string): string | null {
  if (bidiControls.test(name)) return 'right-to-left override and other direction controls are not allowed';
  if (!visible.test(name)) return 'a name needs at least one visible character';
  return null;
}

/** Latin look-alikes of Cyrillic and Greek letters and of digits, for the skeleton below. */
const lookAlikes: Record<string, string> = {
  а: 'a',
  е: 'e',
  о: 'o',
  р: 'p',
  с: 'c',
  у: 'y',
  х: 'x',
  і: 'l',
  ј: 'j',
  ѕ: 's',
  һ: 'h',
  ԁ: 'd',
  ӏ: 'l',
  α: 'a',
  ο: 'o',
  ρ: 'p',
  ν: 'v',
  τ: 't',
  ι: 'l',
  κ: 'k',
  χ: 'x',
  υ: 'u',
  '0': 'o',
  '1': 'l',
  '|': 'l',
  '!': 'l',
  // Capital I and small l are one glyph in many fonts.
  i: 'l',
  ı: 'l',
  '3': 'e',
  '5': 's',
  $: 's',
  '@': 'a',
};

/**
 * A name's skeleton, after UTS #39 in spirit and kept small: compatibility-decomposed, marks and
 * invisible characters removed, lower case, look-alike letters and digits folded to Latin, spaces
 * and separators dropped. Two names with one skeleton look the same to a reader.
 */
export function nameSkeleton(name: string): string {
  const folded = name
    .normalize('NFKD')
    .replace(/[\p{M}\p{Cf}]/gu, '')
    .toLowerCase()
    .replace(/rn/g, 'm');
  let out = '';
  for (const ch of folded) out += lookAlikes[ch] ?? ch;
  return out.replace(/[\s_.\-·]/gu, '');
}
