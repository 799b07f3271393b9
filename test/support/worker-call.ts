/**
 * Calls the Worker's fetch handler in this isolate with some bindings replaced (a counting D1, a queue that
 * records what it is sent), where SELF.fetch would always use the real ones.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import worker from '../../src/index'
import { type CallOptions, clientRequest } from '../helpers'

export async function callWith(bindings: Partial<Cloudflare.Env>, path: string, options: CallOptions = {}): Promise<Response> {
  const context = createExecutionContext()
  const response = await worker.fetch(clientRequest(path, options), { ...env, ...bindings }, context)
  await waitOnExecutionContext(context)
  return response
}
