/**
 * The OpenAPI document (src/openapi/) against the routes the Worker really has: every route Hono serves is
 * described, and nothing is described that Hono does not serve. Routes come from `app.routes`, which lists
 * middleware too: those are registered for method ALL (`app.use`) and dropped here. CORS preflights (OPTIONS) are
 * answered by middleware, not routes, and are not operations of the document.
 */
import type { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import type { AppEnv } from '../../src/env'
import { openApiDocument } from '../../src/openapi/document'
import { HTTP_METHODS } from '../../src/openapi/operations'
import { OPENAPI_PATH } from '../../src/openapi/paths-system'
import servedDocument from '../../public/api/openapi.json'

/** `/api/user/:id{[0-9a-f]{8}-...}` -> `/api/user/{id}`: a Hono parameter, with or without its pattern, as an OpenAPI template. */
function openApiPath(honoPath: string): string {
  let path = ''
  let i = 0
  while (i < honoPath.length) {
    if (honoPath[i] !== ':') {
      path += honoPath[i]
      i += 1
      continue
    }
    const name = /^\w+/.exec(honoPath.slice(i + 1))?.[0] ?? ''
    i += 1 + name.length
    if (honoPath[i] === '{') {
      // The pattern may hold braces of its own ({8}): skip to the brace that closes it.
      let depth = 0
      do {
        if (honoPath[i] === '{') depth += 1
        if (honoPath[i] === '}') depth -= 1
        i += 1
      } while (depth > 0 && i < honoPath.length)
    }
    if (name === '' || honoPath[i] === '?') throw new Error(`a path parameter form this test does not read: ${honoPath}`)
    path += `{${name}}`
  }
  return path
}

/** `GET /api/user/{id}` for every route handler of the app, and the document itself (a static asset, public/). */
function servedOperations(app: Hono<AppEnv>): Set<string> {
  const routes = app.routes.filter((route) => route.method !== 'ALL').map((route) => `${route.method} ${openApiPath(route.path)}`)
  return new Set([...routes, `GET ${OPENAPI_PATH}`])
}

function documentedOperations(): Set<string> {
  const operations = new Set<string>()
  for (const [path, item] of Object.entries(openApiDocument.paths)) {
    for (const key of Object.keys(item)) {
      // A documented OPTIONS or HEAD would escape the comparison below: refuse it here.
      if (!(HTTP_METHODS as readonly string[]).includes(key)) throw new Error(`unexpected member [${key}] of path [${path}]`)
      operations.add(`${key.toUpperCase()} ${path}`)
    }
  }
  return operations
}

/** What one side has and the other lacks. */
function difference(served: Set<string>, documented: Set<string>): { undocumented: string[]; notServed: string[] } {
  return {
    undocumented: [...served].filter((operation) => !documented.has(operation)).sort(),
    notServed: [...documented].filter((operation) => !served.has(operation)).sort(),
  }
}

/** Every `$ref` anywhere in a value. */
function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refsIn(item, found)
  else if (typeof value === 'object' && value !== null) {
    for (const [key, member] of Object.entries(value)) {
      if (key === '$ref' && typeof member === 'string') found.push(member)
      else refsIn(member, found)
    }
  }
  return found
}

function resolves(pointer: string): boolean {
  if (!pointer.startsWith('#/')) return false
  let node: unknown = openApiDocument
  for (const part of pointer.slice(2).split('/')) {
    if (typeof node !== 'object' || node === null) return false
    node = Object.getOwnPropertyDescriptor(node, part)?.value
  }
  return node !== undefined
}

describe('the OpenAPI document covers the routes', () => {
  it('describes every route the app serves, and only those', () => {
    const { undocumented, notServed } = difference(servedOperations(createApp()), documentedOperations())
    expect({ undocumented, notServed }).toEqual({ undocumented: [], notServed: [] })
  })

  it('catches a route added without documentation, and documentation without its route', () => {
    const before = difference(servedOperations(createApp()), documentedOperations())
    const app = createApp()
    app.get('/api/not-documented/:id{[0-9]{2}}', (c) => c.body(null))
    const documented = documentedOperations()
    documented.add('DELETE /api/not-served')
    expect(difference(servedOperations(app), documented)).toEqual({
      undocumented: [...before.undocumented, 'GET /api/not-documented/{id}'].sort(),
      notServed: [...before.notServed, 'DELETE /api/not-served'].sort(),
    })
  })

  it('reads Hono parameters with patterns that hold braces', () => {
    expect(openApiPath('/api/user/registration/:userId{[0-9a-f]{8}-[0-9a-f]{4}}/:applicationId{[0-9a-f]{8}}')).toBe(
      '/api/user/registration/{userId}/{applicationId}',
    )
    expect(openApiPath('/api/key/generate/:id')).toBe('/api/key/generate/{id}')
  })

  it('holds together: references resolve, operation ids are unique, tags are declared, path parameters are described', () => {
    const unresolved = refsIn(openApiDocument).filter((pointer) => !resolves(pointer))
    expect(unresolved).toEqual([])
    const ids: string[] = []
    const tags = new Set(openApiDocument.tags.map((tag) => tag.name))
    for (const [path, item] of Object.entries(openApiDocument.paths)) {
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name).sort()
      for (const method of HTTP_METHODS) {
        const operation = item[method]
        if (operation === undefined) continue
        ids.push(operation.operationId)
        for (const tag of operation.tags) expect(tags, `${method} ${path}`).toContain(tag)
        const pathParameters = (operation.parameters ?? [])
          .flatMap((parameter) => ('in' in parameter && parameter.in === 'path' ? [parameter.name] : []))
          .sort()
        expect(pathParameters, `${method} ${path}`).toEqual(templated)
        expect(Object.keys(operation.responses), `${method} ${path}`).toContain('500')
      }
    }
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([])
  })
})

describe(`GET ${OPENAPI_PATH}`, () => {
  it('is the static asset public/api/openapi.json, written from src/openapi/ (npm run openapi)', () => {
    expect(servedDocument).toEqual(JSON.parse(JSON.stringify(openApiDocument)))
  })
})
