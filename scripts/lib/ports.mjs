/** Port checks for the scripts that start servers. */
import { createServer } from 'node:net'

/** True when something already listens on `port` at `host` (binding it fails with EADDRINUSE). */
export async function portInUse(port, host) {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', (error) => (error.code === 'EADDRINUSE' ? resolve(true) : error.code === 'EACCES' ? resolve(true) : reject(error)))
    server.listen(port, host, () => server.close(() => resolve(false)))
  })
}
