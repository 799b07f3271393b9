/** Order statistics and formatting for the benchmark tables. Medians and p95s only: one run's mean is noise. */

/** The q-quantile (0..1) of `values` by linear interpolation between closest ranks. */
export function quantile(values, q) {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const position = (sorted.length - 1) * q
  const lower = Math.floor(position)
  const upper = Math.ceil(position)
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower)
}

export const median = (values) => quantile(values, 0.5)
export const p95 = (values) => quantile(values, 0.95)

/** Milliseconds with two decimals below 10, one below 1000, none above. */
export function ms(value) {
  if (!Number.isFinite(value)) return 'n/a'
  const digits = Math.abs(value) < 10 ? 2 : Math.abs(value) < 1000 ? 1 : 0
  return value.toFixed(digits)
}

/** A ratio as `3.2x`. */
export const ratio = (value) => (Number.isFinite(value) ? `${value.toFixed(value < 10 ? 2 : 1)}x` : 'n/a')

/** A signed percentage with one decimal. */
export const percent = (value) => (Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)}%` : 'n/a')

/** An integer with thousands separators. */
export const count = (value) => Math.round(value).toLocaleString('en-US')

/** Mebibytes with one decimal, from bytes. */
export const mib = (bytes) => (Number.isFinite(bytes) ? (bytes / 1024 / 1024).toFixed(1) : 'n/a')

/** A markdown table from a header row and body rows (arrays of cell strings). */
export function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

/** Fisher-Yates shuffle in place; the order of variants within a round, so none always runs first. */
export function shuffle(items) {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[items[i], items[j]] = [items[j], items[i]]
  }
  return items
}

/** Milliseconds taken by `task` (awaited), measured with the monotonic clock. */
export async function timed(task) {
  const started = performance.now()
  const result = await task()
  return { millis: performance.now() - started, result }
}
