/**
 * The OpenAPI document's 504: the operations whose action hands transactional events to webhooks before it commits
 * (docs/events.md) answer it, through the one shared response; reads never do.
 */
import { describe, expect, it } from 'vitest'
import { openApiDocument } from '../../src/openapi/document'

const refusing = (): string[] =>
  Object.entries(openApiDocument.paths).flatMap(([path, item]) =>
    Object.entries(item).flatMap(([method, operation]) =>
      operation !== undefined && operation.responses['504'] !== undefined ? [`${method.toUpperCase()} ${path}`] : [],
    ),
  )

describe('OpenAPI 504', () => {
  it('is on the actions transactional webhooks can refuse, as the shared WebhooksRefused response', () => {
    const listed = refusing()
    for (const operation of [
      'POST /api/login',
      'PUT /api/login/{userId}/{applicationId}',
      'POST /api/two-factor/login',
      'POST /api/jwt/refresh',
      'POST /api/logout',
      'DELETE /api/user/{id}',
      'POST /api/user/registration',
      'POST /api/user/change-password',
      'POST /api/user/action',
      'POST /api/group',
      'DELETE /api/group/member',
      'PATCH /api/tenant/{id}',
    ])
      expect(listed).toContain(operation)
    expect(listed.filter((operation) => operation.startsWith('GET '))).toEqual([])
    // Non-transactional events only (user.two-factor.method.*, user.password.reset.start): never a 504.
    expect(listed).not.toContain('POST /api/user/two-factor/{userId}')
    expect(listed).not.toContain('POST /api/user/forgot-password')
    for (const [path, item] of Object.entries(openApiDocument.paths))
      for (const operation of Object.values(item))
        if (operation?.responses['504'] !== undefined)
          expect(operation.responses['504'], path).toEqual({ $ref: '#/components/responses/WebhooksRefused' })
  })
})
