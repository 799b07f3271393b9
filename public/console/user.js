/**
 * User: find by email, username or id (the user search), then their registrations, two-factor methods (never
 * secrets), recent logins and actions in force; lock/unlock, deactivate/reactivate and revoke refresh tokens,
 * each after a confirmation.
 */
import { api, query } from './api.js'
import { announce, confirmAction, formatInstant, h, labeled, show, table } from './dom.js'

function searchForm(initial) {
  const form = h(
    'form',
    { class: 'grid', role: 'search', id: 'user-search' },
    labeled('Email, username or id', h('input', { name: 'q', value: initial, required: true, id: 'user-q' })),
    h('button', { type: 'submit' }, 'Find'),
  )
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    location.hash = `#/user${query({ q: new FormData(form).get('q') })}`
  })
  return form
}

export async function userSearchPage(q) {
  const form = searchForm(q ?? '')
  if (q === undefined || q.trim() === '') {
    show(h('h1', {}, 'User'), h('section', { class: 'card' }, form))
    document.getElementById('user-q').focus()
    return
  }
  const { users, total } = await api(`/users${query({ q })}`)
  if (users.length === 1 && total === 1) {
    location.replace(`#/user/${users[0].id}`)
    return
  }
  show(
    h('h1', {}, 'User'),
    h('section', { class: 'card' }, form),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, `${total} found${total > users.length ? `, first ${users.length} shown` : ''}`),
      h(
        'ul',
        { class: 'results' },
        users.map((u) => h('li', {}, h('a', { href: `#/user/${u.id}` }, u.email ?? u.username ?? u.id, u.active ? '' : ' (deactivated)'))),
      ),
    ),
  )
}

const badge = (ok, yes, no) => h('span', { class: `badge ${ok ? 'ok' : 'bad'}` }, ok ? yes : no)

function controls(details, session, render) {
  const { user } = details
  const self = user.id === session.user.id
  const act = (path, title, text, label, done) => async () => {
    if (!(await confirmAction(title, text, label))) return
    try {
      const result = await api(`/users/${user.id}/${path}`, { method: 'POST' })
      announce(done(result))
      if (result.user !== undefined) render(result)
      else render(await api(`/users/${user.id}`))
    } catch (failure) {
      announce(failure.message)
    }
  }
  const who = user.email ?? user.username ?? user.id
  return h(
    'div',
    { class: 'actions' },
    details.locked
      ? h(
          'button',
          {
            type: 'button',
            id: 'unlock',
            onclick: act('unlock', 'Unlock this user?', `${who} will be able to log in again.`, 'Unlock', () => 'Unlocked.'),
          },
          'Unlock',
        )
      : h(
          'button',
          {
            type: 'button',
            id: 'lock',
            class: 'danger',
            disabled: self,
            onclick: act('lock', 'Lock this user?', `${who} will not be able to log in (409) until unlocked.`, 'Lock', () => 'Locked.'),
          },
          'Lock',
        ),
    user.active
      ? h(
          'button',
          {
            type: 'button',
            id: 'deactivate',
            class: 'danger',
            disabled: self,
            onclick: act(
              'deactivate',
              'Deactivate this user?',
              `${who} will not be able to log in (423), and their refresh tokens are revoked.`,
              'Deactivate',
              () => 'Deactivated.',
            ),
          },
          'Deactivate',
        )
      : h(
          'button',
          {
            type: 'button',
            id: 'reactivate',
            onclick: act('reactivate', 'Reactivate this user?', `${who} will be able to log in again.`, 'Reactivate', () => 'Reactivated.'),
          },
          'Reactivate',
        ),
    h(
      'button',
      {
        type: 'button',
        id: 'revoke',
        class: 'secondary',
        onclick: act(
          'revoke-refresh-tokens',
          'Revoke refresh tokens?',
          `Every refresh token of ${who} stops working; their apps must log in again.`,
          'Revoke',
          (r) => `${r.revoked} refresh token(s) revoked.`,
        ),
      },
      `Revoke refresh tokens (${details.refreshTokens})`,
    ),
  )
}

export async function userPage(id, session) {
  const [details, { applications }] = await Promise.all([api(`/users/${id}`), api('/applications')])
  const names = new Map(applications.map((a) => [a.id, a.name]))
  const render = (current) => {
    const { user } = current
    const registrations = user.registrations ?? []
    const methods = user.twoFactor?.methods ?? []
    show(
      h('h1', {}, user.email ?? user.username ?? user.id),
      h('section', { class: 'card' }, searchForm('')),
      h(
        'section',
        { class: 'card', 'aria-label': 'Summary' },
        h(
          'dl',
          { class: 'facts' },
          h('dt', {}, 'Id'),
          h('dd', {}, user.id),
          h('dt', {}, 'Username'),
          h('dd', {}, user.username ?? '—'),
          h('dt', {}, 'Status'),
          h('dd', { id: 'user-status' }, badge(user.active, 'active', 'deactivated'), ' ', badge(!current.locked, 'not locked', 'locked')),
          h('dt', {}, 'Last login'),
          h('dd', {}, user.lastLoginInstant === undefined ? 'never' : formatInstant(user.lastLoginInstant)),
        ),
        controls(current, session, render),
      ),
      h(
        'section',
        { class: 'card' },
        h('h2', {}, 'Registrations'),
        registrations.length === 0
          ? h('p', { class: 'muted' }, 'None.')
          : table(
              ['Application', 'Roles', 'Last login'],
              registrations.map((r) => [
                names.get(r.applicationId) ?? r.applicationId,
                (r.roles ?? []).join(', '),
                r.lastLoginInstant === undefined ? 'never' : formatInstant(r.lastLoginInstant),
              ]),
            ),
      ),
      h(
        'section',
        { class: 'card' },
        h('h2', {}, 'Two-factor methods'),
        methods.length === 0
          ? h('p', { class: 'muted' }, 'None.')
          : table(
              ['Method', 'Name', 'Sends to'],
              methods.map((m) => [m.method, m.name ?? '', m.email ?? m.mobilePhone ?? '']),
            ),
      ),
      h(
        'section',
        { class: 'card' },
        h('h2', {}, 'Actions in force'),
        current.actions.length === 0
          ? h('p', { class: 'muted' }, 'None.')
          : table(
              ['Action', 'Prevents login', 'Since', 'Until'],
              current.actions.map((a) => [
                a.name,
                a.preventLogin ? 'yes' : 'no',
                formatInstant(a.createInstant),
                a.expiry === null ? 'until canceled' : formatInstant(a.expiry),
              ]),
            ),
      ),
      h(
        'section',
        { class: 'card' },
        h('h2', {}, 'Recent logins'),
        current.recentLogins.length === 0
          ? h('p', { class: 'muted' }, 'None.')
          : table(
              ['When', 'Application', 'IP address'],
              current.recentLogins.map((r) => [
                formatInstant(r.instant),
                names.get(r.applicationId) ?? r.applicationId ?? '—',
                r.ipAddress ?? '',
              ]),
            ),
        h('p', {}, h('a', { href: `#/records${query({ user: user.id })}` }, 'All login records of this user')),
      ),
    )
  }
  render(details)
}
