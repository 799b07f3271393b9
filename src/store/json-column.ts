/**
 * Parses a `data` column. The text was written by this Worker's own stores from a typed value,
 * so the cast restores the type it was written with; outside input never reaches a data column unvalidated.
 */
export function parseDataColumn<T>(text: string): T {
  return JSON.parse(text) as T
}

/** The row shape every store reads: a JSON `data` column. */
export interface DataRow {
  data: string
}
