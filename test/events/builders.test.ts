/**
 * The event builders against FusionAuth's shapes (the typescript client's UserCreateEvent, UserUpdateEvent,
 * UserRegistration*Event, UserActionEvent, JWTPublicKeyUpdateEvent, UserBulkCreateEvent): which fields each type
 * carries, the envelope's stamping, and an empty `info` left out.
 */
import { describe, expect, it } from 'vitest'
import { userActionEvent } from '../../src/domain/events/action-events'
import type { EventSource } from '../../src/domain/events/event-source'
import { applicationsWithNewKeys, publicKeyUpdateEvent } from '../../src/domain/events/key-events'
import { registrationCreateEvents, registrationDeleteEvents, registrationUpdateEvents } from '../../src/domain/events/registration-events'
import {
  passwordChangeEvents,
  twoFactorMethodEvent,
  userBulkCreateEvent,
  userChangeEvents,
  userCreateEvents,
  userDeleteEvents,
  userEvent,
  userUpdateEvents,
} from '../../src/domain/events/user-events'
import { type Application, applicationDefaults } from '../../src/domain/application'
import { type Tenant, tenantDefaults } from '../../src/domain/tenant'
import type { Registration, User } from '../../src/domain/user'
import { fieldsOf } from './receiver'

const tenantId = crypto.randomUUID()
const source: EventSource = { createInstant: 1_700_000_000_000, info: { ipAddress: '203.0.113.1', userAgent: 'ua' } }
const registration: Registration = {
  id: crypto.randomUUID(),
  applicationId: crypto.randomUUID(),
  roles: [],
  verified: true,
  insertInstant: 1,
  lastUpdateInstant: 1,
}
const user: User = {
  id: crypto.randomUUID(),
  tenantId,
  email: 'a@example.com',
  active: true,
  verified: true,
  passwordChangeRequired: false,
  insertInstant: 1,
  lastUpdateInstant: 1,
  registrations: [registration],
}
const BASE = ['createInstant', 'id', 'info', 'tenantId', 'type']
const withBase = (...fields: string[]) => [...BASE, ...fields].sort()

describe('event builders', () => {
  it('stamp type, a fresh id, the source instant, the user tenant and the info', () => {
    const [create, complete] = userCreateEvents(user, source)
    expect(create).toMatchObject({ type: 'user.create', createInstant: source.createInstant, tenantId, info: source.info, user })
    expect(complete?.type).toBe('user.create.complete')
    expect(create?.id).not.toBe(complete?.id)
    expect(userEvent('user.deactivate', user, { ...source, info: {} })).not.toHaveProperty('info')
  })

  it.each([
    ['user.create / .complete', () => userCreateEvents(user, source), withBase('user')],
    ['user.update / .complete', () => userUpdateEvents(user, user, source), withBase('original', 'user')],
    ['user.delete / .complete', () => userDeleteEvents(user, source), withBase('user')],
    [
      'user.email.update',
      () => userChangeEvents(user, { ...user, email: 'b@example.com' }, source).slice(2),
      withBase('previousEmail', 'user'),
    ],
    ['user.password.update', () => passwordChangeEvents(user, source, false), withBase('user')],
    ['user.password.reset.success + update', () => passwordChangeEvents(user, source, true), withBase('user')],
    [
      'user.registration.create / .complete',
      () => registrationCreateEvents(user, registration, source),
      withBase('applicationId', 'registration', 'user'),
    ],
    [
      'user.registration.update / .complete',
      () => registrationUpdateEvents(user, registration, registration, source),
      withBase('applicationId', 'original', 'registration', 'user'),
    ],
    [
      'user.registration.delete / .complete',
      () => registrationDeleteEvents(user, registration, source),
      withBase('applicationId', 'registration', 'user'),
    ],
    ['user.bulk.create', () => [userBulkCreateEvent(tenantId, [user], source)], withBase('users')],
    [
      'user.two-factor.method.add',
      () => [twoFactorMethodEvent('user.two-factor.method.add', user, { id: 'ABCD', method: 'email' }, source)],
      withBase('method', 'user'),
    ],
    ['jwt.public-key.update', () => [publicKeyUpdateEvent(tenantId, ['x'], source)], withBase('applicationIds')],
  ])('%s carries FusionAuth fields', (_name, build, fields) => {
    for (const event of build()) expect(fieldsOf(event)).toEqual(fields)
  })

  it('a password change completing forgot password sends the reset first', () => {
    expect(passwordChangeEvents(user, source, true).map((e) => e.type)).toEqual(['user.password.reset.success', 'user.password.update'])
    expect(passwordChangeEvents(user, source, false).map((e) => e.type)).toEqual(['user.password.update'])
  })

  it('user.action: UserActionEvent fields, optional ones only when the action has them', () => {
    const action = {
      id: crypto.randomUUID(),
      actionId: crypto.randomUUID(),
      userId: user.id,
      name: 'Mute',
      localizedName: 'Mute',
      createInstant: 1,
    }
    const bare = userActionEvent('start', action, tenantId, source)
    expect(fieldsOf(bare)).toEqual(
      withBase('action', 'actionId', 'actioneeUserId', 'emailedUser', 'localizedAction', 'notifyUser', 'phase'),
    )
    const full = userActionEvent(
      'modify',
      { ...action, actionerUserId: 'u', applicationIds: ['a'], comment: 'c', expiry: 5, option: 'soft', notifyUserOnEnd: true },
      tenantId,
      source,
    )
    expect(full).toMatchObject({
      phase: 'modify',
      actionerUserId: 'u',
      applicationIds: ['a'],
      comment: 'c',
      expiry: 5,
      option: 'soft',
      localizedOption: 'soft',
      notifyUser: true,
    })
  })

  it("a tenant's key change reaches the applications that follow its keys", () => {
    const before: Tenant = { ...tenantDefaults(), id: tenantId, name: 't', insertInstant: 1, lastUpdateInstant: 1 }
    before.jwtConfiguration = { ...before.jwtConfiguration, accessTokenKeyId: 'k1', idTokenKeyId: 'k1' }
    const after: Tenant = { ...before, jwtConfiguration: { ...before.jwtConfiguration, idTokenKeyId: 'k2' } }
    const app = (id: string, jwt: Application['jwtConfiguration']): Application => ({
      ...applicationDefaults(),
      id,
      tenantId,
      name: id,
      insertInstant: 1,
      lastUpdateInstant: 1,
      jwtConfiguration: jwt,
    })
    const apps = [
      app('follows', { enabled: false }),
      app('own-both', { enabled: true, accessTokenKeyId: 'x', idTokenKeyId: 'x' }),
      app('own-access-only', { enabled: true, accessTokenKeyId: 'x' }),
    ]
    expect(applicationsWithNewKeys(before, after, apps)).toEqual(['follows', 'own-access-only'])
  })
})
