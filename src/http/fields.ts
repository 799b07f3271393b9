import { Errors } from './errors'

/** A JSON object as parsed from outside: every value unknown until a reader checks it. */
export type JsonObject = Record<string, unknown>

export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value)

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value)

/**
 * Typed, error-collecting access to one JSON object of a request.
 * Each getter returns the value when it has the right type, undefined when absent or null,
 * and records `[invalid]path` (wrong type) in the shared Errors otherwise, so one response
 * lists every problem, as FusionAuth's validation does.
 */
export class FieldReader {
  constructor(
    readonly source: JsonObject,
    readonly errors: Errors = new Errors(),
    readonly prefix = '',
  ) {}

  /** Reads a top-level body, which must be an object. */
  static body(body: unknown, errors: Errors = new Errors()): FieldReader {
    if (body !== undefined && !isObject(body)) errors.general('[invalid]', 'Your JSON was invalid')
    return new FieldReader(isObject(body) ? body : {}, errors)
  }

  path(name: string): string {
    return this.prefix === '' ? name : `${this.prefix}.${name}`
  }

  has(name: string): boolean {
    return this.source[name] !== undefined && this.source[name] !== null
  }

  private wrongType(name: string, expected: string): undefined {
    const path = this.path(name)
    this.errors.field(path, `[invalid]${path}`, `Invalid [${path}] property. Expected ${expected}.`)
    return undefined
  }

  string(name: string): string | undefined {
    const value = this.source[name]
    if (value === undefined || value === null) return undefined
    return typeof value === 'string' ? value : this.wrongType(name, 'a string')
  }

  /** A string that is present and not only white space; records `[blank]path` otherwise. */
  requiredString(name: string): string | undefined {
    const value = this.string(name)
    if (value === undefined && !this.errors.has(this.path(name))) {
      const path = this.path(name)
      this.errors.field(path, `[blank]${path}`, `You must specify the [${path}] property.`)
    } else if (value !== undefined && value.trim() === '') {
      const path = this.path(name)
      this.errors.field(path, `[blank]${path}`, `You must specify the [${path}] property.`)
      return undefined
    }
    return value
  }

  boolean(name: string): boolean | undefined {
    const value = this.source[name]
    if (value === undefined || value === null) return undefined
    return typeof value === 'boolean' ? value : this.wrongType(name, 'a boolean')
  }

  /** A finite integer (JSON number without a fraction). */
  integer(name: string): number | undefined {
    const value = this.source[name]
    if (value === undefined || value === null) return undefined
    return typeof value === 'number' && Number.isSafeInteger(value) ? value : this.wrongType(name, 'an integer')
  }

  uuid(name: string): string | undefined {
    const value = this.source[name]
    if (value === undefined || value === null || value === '') return undefined
    return isUuid(value) ? value.toLowerCase() : this.wrongType(name, 'a UUID')
  }

  stringArray(name: string): string[] | undefined {
    const value = this.source[name]
    if (value === undefined || value === null) return undefined
    if (Array.isArray(value) && value.every((v): v is string => typeof v === 'string')) return value
    return this.wrongType(name, 'an array of strings')
  }

  /** A nested object as a reader of its own, sharing these errors; an empty reader when absent. */
  object(name: string): FieldReader {
    const value = this.source[name]
    if (value !== undefined && value !== null && !isObject(value)) this.wrongType(name, 'an object')
    return new FieldReader(isObject(value) ? value : {}, this.errors, this.path(name))
  }

  /** The raw JSON object under name (for free-form `data` maps), or undefined. */
  rawObject(name: string): JsonObject | undefined {
    const value = this.source[name]
    if (value === undefined || value === null) return undefined
    return isObject(value) ? value : this.wrongType(name, 'an object')
  }

  /** One of the given literal strings. */
  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const value = this.string(name)
    if (value === undefined) return undefined
    return (allowed as readonly string[]).includes(value) ? (value as T) : this.wrongType(name, `one of ${allowed.join(', ')}`)
  }
}
