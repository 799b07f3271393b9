/**
 * Sign-in through this product's own Login API: POST /api/login for the console's application (and, on 242,
 * POST /api/two-factor/login), then POST /console/api/session trades the access token for the session cookie.
 * The token is held only in this function's variables and dropped once traded.
 */
import { api, raw } from './api.js'
import { h, labeled, show } from './dom.js'

const LOGIN_FAILURES = {
  404: 'The login or password is not right.',
  409: 'This account is locked.',
  410: 'This account has expired.',
  423: 'This account is deactivated.',
  203: 'This account must change its password before it can sign in.',
  212: 'The email address of this account is not verified.',
  202: 'This account is not registered to the console.',
  401: 'The console application requires an API key to log in; set its loginConfiguration.requireAuthentication to false.',
}

async function trade(token) {
  try {
    return await api('/session', { method: 'POST', body: { token } })
  } catch (failure) {
    if (failure.status === 401) throw new Error('This account may not use the console: it needs the admin role on the console application.')
    throw failure
  } finally {
    // The Login API also set its own access_token (and refresh_token) cookie for the whole origin; the console needs neither.
    await raw('/api/logout', { method: 'POST' })
  }
}

const field = (label, props) => labeled(label, h('input', { required: true, ...props }))

/** Shows the sign-in form; resolves with the session once signed in. */
export function signIn(applicationId, message) {
  return new Promise((resolve) => {
    const error = h('p', { class: 'error', role: 'alert' }, message ?? '')
    const form = h(
      'form',
      { class: 'stack', 'aria-labelledby': 'sign-in-title' },
      field('Email or username', { name: 'loginId', autocomplete: 'username', id: 'login-id' }),
      field('Password', { name: 'password', type: 'password', autocomplete: 'current-password', id: 'password' }),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Sign in')),
      error,
    )
    form.addEventListener('submit', async (event) => {
      event.preventDefault()
      error.textContent = ''
      const data = new FormData(form)
      try {
        const { status, body } = await raw('/api/login', {
          method: 'POST',
          body: { loginId: data.get('loginId'), password: data.get('password'), applicationId },
        })
        if (status === 242) return resolve(await twoFactor(applicationId, body))
        if (status === 200 && typeof body?.token === 'string') return resolve(await trade(body.token))
        error.textContent = LOGIN_FAILURES[status] ?? `Sign-in failed (${status}).`
      } catch (failure) {
        error.textContent = failure.message
      }
    })
    show(h('div', { class: 'card' }, h('h1', { id: 'sign-in-title' }, 'Sign in'), form))
    document.getElementById('login-id').focus()
  })
}

/** The second step: a code from an authenticator app, or one sent by email or SMS on request. */
function twoFactor(applicationId, challenge) {
  return new Promise((resolve) => {
    const methods = challenge?.methods ?? []
    const error = h('p', { class: 'error', role: 'alert' })
    const sendable = methods.filter((m) => m.method === 'email' || m.method === 'sms')
    const send = sendable.map((m) =>
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: async () => {
            const { status } = await raw(`/api/two-factor/send/${encodeURIComponent(challenge.twoFactorId)}`, {
              method: 'POST',
              body: { methodId: m.id },
            })
            error.textContent = status === 200 ? 'Code sent.' : `Could not send the code (${status}).`
          },
        },
        `Send a code to ${m.email ?? m.mobilePhone}`,
      ),
    )
    const form = h(
      'form',
      { class: 'stack' },
      labeled(
        'Verification code',
        h('input', { name: 'code', required: true, autocomplete: 'one-time-code', inputMode: 'numeric', id: 'code' }),
      ),
      send.length === 0 ? null : h('div', { class: 'actions' }, send),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Verify')),
      error,
    )
    form.addEventListener('submit', async (event) => {
      event.preventDefault()
      const { status, body } = await raw('/api/two-factor/login', {
        method: 'POST',
        body: { twoFactorId: challenge.twoFactorId, code: new FormData(form).get('code'), applicationId },
      })
      if (status === 200 && typeof body?.token === 'string') {
        try {
          return resolve(await trade(body.token))
        } catch (failure) {
          error.textContent = failure.message
          return
        }
      }
      error.textContent = status === 421 ? 'That code is not right.' : (LOGIN_FAILURES[status] ?? `Verification failed (${status}).`)
    })
    show(h('div', { class: 'card' }, h('h1', {}, 'Two-factor verification'), form))
    document.getElementById('code').focus()
  })
}
