/**
 * The JSON Schema 2020-12 subset the OpenAPI document is written in, and small builders for it. The subset is kept
 * small on purpose: test/e2e/openapi-samples.test.ts checks real responses with a checker that knows exactly these
 * keywords and refuses any other, so a keyword added here must be added there too.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

export type SchemaType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean'

export interface Schema {
  $ref?: string
  type?: SchemaType
  properties?: Record<string, Schema>
  required?: string[]
  /** false: what the server sends has no other members (used on the login family's envelopes). */
  additionalProperties?: boolean | Schema
  items?: Schema
  enum?: readonly (string | number | boolean)[]
  const?: string | number | boolean
  oneOf?: Schema[]
  anyOf?: Schema[]
  minimum?: number
  maximum?: number
  // Annotations only: they assert nothing.
  description?: string
  format?: string
  default?: JsonValue
  examples?: JsonValue[]
  writeOnly?: boolean
  deprecated?: boolean
}

/** A reference to a component schema by name. */
export const ref = (name: string, description?: string): Schema => described({ $ref: `#/components/schemas/${name}` }, description)

const described = (schema: Schema, description: string | undefined): Schema =>
  description === undefined ? schema : { ...schema, description }

export const str = (description?: string): Schema => described({ type: 'string' }, description)
export const uuid = (description?: string): Schema => described({ type: 'string', format: 'uuid' }, description)
export const int = (description?: string): Schema => described({ type: 'integer' }, description)
export const bool = (description?: string): Schema => described({ type: 'boolean' }, description)
/** Epoch milliseconds (FusionAuth's ZonedDateTime on the wire). */
export const instant = (description?: string): Schema => ref('ZonedDateTime', description)
export const oneOfStrings = (values: readonly string[], description?: string): Schema =>
  described({ type: 'string', enum: values }, description)
export const arrayOf = (items: Schema, description?: string): Schema => described({ type: 'array', items }, description)
/** A JSON object with free-form members (`data`, `state`, a lambda's output). */
export const freeObject = (description?: string): Schema => described({ type: 'object' }, description)
/** An object used as a map: any keys, each value of one schema. */
export const mapOf = (values: Schema, description?: string): Schema =>
  described({ type: 'object', additionalProperties: values }, description)

export interface ObjectOptions {
  required?: string[]
  /** No members beyond `properties`. */
  closed?: boolean
  description?: string
}

export function object(properties: Record<string, Schema>, options: ObjectOptions = {}): Schema {
  const schema: Schema = { type: 'object', properties }
  if (options.required !== undefined && options.required.length > 0) schema.required = options.required
  if (options.closed === true) schema.additionalProperties = false
  return described(schema, options.description)
}
