/**
 * The Workers-runtime suite's webhook receiver: miniflare's `outboundService` (vitest.config.ts), so every fetch the
 * Worker makes leaves workerd and reaches this function, in Node. It is a real HTTP receiver as far as the Worker can
 * tell (its own connection, its own answers), and tests read what it received over HTTP too.
 *
 * - `POST http://receiver.test/hook/<inbox>/<mode>` records the request and answers by mode: `ok` (200), `fail`
 *   (500), `hang` (never answers), `fail-<n>` (500 for the inbox's first n requests, then 200), `redirect` (302 to
 *   another path of the receiver, which records any request that follows it).
 * - `GET http://receiver.test/inbox/<inbox>` answers the requests recorded for the inbox, oldest first.
 *
 * Any other host gets 502 at once: the suite has no network, and no test may wait on one.
 */
export const RECEIVER = 'http://receiver.test'

export interface ReceivedRequest {
  method: string
  path: string
  headers: Record<string, string>
  body: string
}

const inboxes = new Map<string, ReceivedRequest[]>()

export async function outboundReceiver(request: Request): Promise<Response> {
  const url = new URL(request.url)
  if (url.host !== 'receiver.test') return new Response('no network in tests', { status: 502 })
  const [, kind, inbox = '', mode = 'ok'] = url.pathname.split('/')
  if (kind === 'inbox' && request.method === 'GET') return Response.json(inboxes.get(inbox) ?? [])

  const received = inboxes.get(inbox) ?? []
  inboxes.set(inbox, received)
  const headers: Record<string, string> = {}
  request.headers.forEach((value, name) => {
    headers[name] = value
  })
  received.push({ method: request.method, path: url.pathname, headers, body: await request.text() })
  if (mode === 'ok' || kind !== 'hook') return new Response(null, { status: 200 })
  if (mode === 'fail') return new Response('receiver failure', { status: 500 })
  if (mode === 'hang') return new Promise<Response>(() => undefined)
  if (mode === 'redirect') return new Response(null, { status: 302, headers: { Location: `${RECEIVER}/followed/${inbox}` } })
  const failures = /^fail-(\d+)$/.exec(mode)
  if (failures !== null) return new Response(null, { status: received.length <= Number(failures[1]) ? 500 : 200 })
  return new Response('unknown mode', { status: 400 })
}
