/**
 * `orderBy` of group and group member search names a field from a fixed table; a name that is a property of every
 * object (`toString`, `constructor`, `__proto__`) is as unknown as any other, a 400 with the field error, never a
 * 500 from SQL built with it nor a search that silently takes it.
 */
import { describe, expect, it } from 'vitest'
import { call } from '../helpers'
import { fieldCodes } from '../routes/admin-fixtures'

const INHERITED = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']

describe('group search orderBy names only its own fields', () => {
  for (const path of ['/api/group/member/search', '/api/group/search']) {
    it(`${path}: an Object.prototype name is an unknown field, by query and by body`, async () => {
      for (const name of INHERITED) {
        for (const orderBy of [name, `${name} DESC`]) {
          const byQuery = await call(`${path}?orderBy=${encodeURIComponent(orderBy)}`)
          expect(byQuery.status, `GET ${orderBy}: ${await byQuery.clone().text()}`).toBe(400)
          expect(await fieldCodes(byQuery)).toEqual(['[invalid]orderBy'])
          const byBody = await call(path, { body: { search: { orderBy } } })
          expect(byBody.status, `POST ${orderBy}: ${await byBody.clone().text()}`).toBe(400)
          expect(await fieldCodes(byBody)).toEqual(['[invalid]search.orderBy'])
        }
      }
    })

    it(`${path}: an unknown name is the same 400, a known one still works`, async () => {
      expect(await fieldCodes(await call(`${path}?orderBy=nope`))).toEqual(['[invalid]orderBy'])
      expect((await call(`${path}?orderBy=insertInstant%20DESC`)).status).toBe(200)
    })
  }
})
