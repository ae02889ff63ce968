// Lookups of keys that come from messages. `table[key]` on a plain object also finds what
// every object inherits (`constructor`, `toString`, `__proto__`), so a message naming one of
// those would get a function instead of "no such entry". Only own entries count here.

export function own<T>(table: Readonly<Record<string, T>>, key: unknown): T | undefined {
  return typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined;
}
