/**
 * The two merges the API applies to JSON objects: defaults under a client's partial object (deepMerge) and
 * PATCH (mergePatch, RFC 7386). Both walk with an explicit work list rather than recursion, so no nesting
 * can reach the call-stack limit, and both skip prototype keys, so a merge never sets a prototype.
 */
import type { JsonObject } from '../http/fields'
import { PROTOTYPE_KEYS } from './json-bounds'

const isPlainObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value)

/** A shallow copy of the object's own keys, prototype keys left out. */
function ownCopy(source: JsonObject): JsonObject {
  const copy: JsonObject = {}
  for (const [key, value] of Object.entries(source)) if (!PROTOTYPE_KEYS.has(key)) copy[key] = value
  return copy
}

/** Objects merge key by key; with `nullRemoves` a null in the patch deletes the key; anything else replaces. */
function merge(base: JsonObject, patch: JsonObject, nullRemoves: boolean): JsonObject {
  const merged = ownCopy(base)
  const work: [target: JsonObject, changes: JsonObject][] = [[merged, patch]]
  for (let next = work.pop(); next !== undefined; next = work.pop()) {
    const [target, changes] = next
    for (const [key, value] of Object.entries(changes)) {
      if (PROTOTYPE_KEYS.has(key)) continue
      if (value === null && nullRemoves) {
        delete target[key]
        continue
      }
      const current = Object.hasOwn(target, key) ? target[key] : undefined
      if (isPlainObject(current) && isPlainObject(value)) {
        // A fresh copy, so neither input is changed by the merge.
        const child = ownCopy(current)
        target[key] = child
        work.push([child, value])
      } else {
        target[key] = value
      }
    }
  }
  return merged
}

/**
 * Deep-merges what a client sent over the defaults (objects merge, everything else replaces),
 * so a partial object from the official client gets FusionAuth's values for what it left out.
 */
export function deepMerge<T extends JsonObject>(base: T, patch: JsonObject): T {
  // The result has every key of base, with values of the types the patch may set (validated by the caller).
  return merge(base, patch, false) as T
}

/**
 * JSON merge patch (RFC 7386), as FusionAuth's PATCH applies it: objects merge,
 * `null` removes a field, anything else replaces.
 */
export function mergePatch(base: JsonObject, patch: JsonObject): JsonObject {
  return merge(base, patch, true)
}
