/**
 * Runs `action` over `items` with at most `limit` in flight, results in input order. Remote stores
 * answer many small requests far faster side by side than one after another.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, action: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await action(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
