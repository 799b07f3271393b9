/**
 * The benchmark's floor: one PBKDF2-HMAC-SHA256 hash per request, nothing else. It reads a login-shaped JSON body
 * and answers a small JSON body, so that HTTP, `wrangler dev`'s proxy and JSON parsing cost the same on both sides
 * of the comparison with POST /api/login. The derivation matches src/domain/password/pbkdf2.ts for the default
 * scheme: importKey(raw password) then deriveBits(SHA-256, 32-byte salt, `factor` iterations, 256 bits).
 */
export default {
  async fetch(request) {
    if (request.method !== 'POST') return new Response('pbkdf2 bench worker', { status: 200 })
    const body = await request.json()
    const factor = Number.isSafeInteger(body.factor) ? body.factor : 100_000
    const salt = crypto.getRandomValues(new Uint8Array(32))
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(String(body.password)), 'PBKDF2', false, ['deriveBits'])
    const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: factor }, key, 256)
    return Response.json({ hashBytes: bits.byteLength })
  },
}
