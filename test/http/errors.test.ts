import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'

describe('unknown routes', () => {
  it('answer 404 with no body and no JSON content type', async () => {
    const response = await SELF.fetch('https://example.com/api/nope')
    expect(response.status).toBe(404)
    expect(response.headers.get('content-type')).toBeNull()
    expect(await response.text()).toBe('')
  })
})
