// A value shown in an error text, whatever it is: JSON.stringify throws on a BigInt and on a
// circular object, and returns undefined for a function or a symbol, so an error about a bad
// value could itself fail. This never throws and keeps the text short.

export function shown(value: unknown, max = 60): string {
  let text: string;
  try {
    const seen = new WeakSet<object>();
    text =
      JSON.stringify(value, (_key, v: unknown) => {
        if (typeof v === 'bigint') return `${v}n`;
        if (typeof v === 'function' || typeof v === 'symbol') return String(v);
        if (v !== null && typeof v === 'object') {
          if (seen.has(v)) return '[circular]';
          seen.add(v);
        }
        return v;
      }) ?? String(value);
  } catch {
    // A getter or toJSON that throws: say what kind of thing it was.
    text = Object.prototype.toString.call(value);
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
