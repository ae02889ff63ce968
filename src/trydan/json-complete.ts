// Whether a JSON-like text ends where its document ends. The firmware's defects (a missing
// comma, an unquoted version, a repeated key) leave strings and braces balanced; a reply cut
// off by a dropped connection does not. jsonrepair would complete the cut text into a
// plausible but wrong reading, so a text that ends early must not reach it.

/** True when the text ends inside a string or with a brace or bracket still open. */
export function endsEarly(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return inString || depth > 0;
}
