import { jsonTextDeeperThan, MAX_JSON_DEPTH, mayHoldPrototypeKeys, sanitizeParsedJson } from '../domain/json-bounds'

/**
 * Parses a `data` column. The text was written by this Worker's own stores from a typed value,
 * so the cast restores the type it was written with; outside input never reaches a data column unvalidated.
 * Rows written before request JSON was bounded may nest deeper than MAX_JSON_DEPTH or hold prototype keys:
 * those are cut to the bound and cleaned here, so such a row can be read, rendered and merged, never 500.
 */
export function parseDataColumn<T>(text: string): T {
  const value = JSON.parse(text) as T
  if (jsonTextDeeperThan(text, MAX_JSON_DEPTH) || mayHoldPrototypeKeys(text)) return sanitizeParsedJson(value)
  return value
}

/** The row shape every store reads: a JSON `data` column. */
export interface DataRow {
  data: string
}
