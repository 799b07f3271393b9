/**
 * The console's entry point: is the console on, is there a session, then one page per hash route
 * (#/activity, #/records, #/user, #/user/<id>). Everything is fetched from this origin; nothing is external.
 */
import { activityPage } from './activity.js'
import { ApiFailure, api, setCsrfToken } from './api.js'
import { h, show } from './dom.js'
import { recordsPage } from './records.js'
import { signIn } from './sign-in.js'
import { userPage, userSearchPage } from './user.js'

let session = null
let applicationId = ''

function signedIn(current) {
  session = current
  setCsrfToken(current.csrfToken)
  document.getElementById('nav').hidden = false
  document.getElementById('whoami').hidden = false
  document.getElementById('whoami-name').textContent = current.user.loginId
}

function signedOut() {
  session = null
  setCsrfToken('')
  document.getElementById('nav').hidden = true
  document.getElementById('whoami').hidden = true
}

async function ensureSession(message) {
  if (session !== null) return
  try {
    signedIn(await api('/session'))
  } catch (failure) {
    if (!(failure instanceof ApiFailure) || failure.status !== 401) throw failure
    signedOut()
    signedIn(await signIn(applicationId, message))
  }
}

function markCurrent(page) {
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.dataset.page === page) link.setAttribute('aria-current', 'page')
    else link.removeAttribute('aria-current')
  }
}

async function route() {
  const hash = location.hash.replace(/^#\/?/, '')
  const [path, search] = hash.split('?')
  const params = new URLSearchParams(search ?? '')
  const [page, id] = (path ?? '').split('/')
  await ensureSession()
  switch (page) {
    case 'records':
      markCurrent('records')
      document.title = 'Login records · Login console'
      return recordsPage(params)
    case 'user':
      markCurrent('user')
      document.title = 'User · Login console'
      return id === undefined || id === '' ? userSearchPage(params.get('q') ?? undefined) : userPage(id, session)
    default:
      markCurrent('activity')
      document.title = 'Activity · Login console'
      return activityPage()
  }
}

async function render() {
  try {
    await route()
  } catch (failure) {
    if (failure instanceof ApiFailure && failure.status === 401) {
      signedOut()
      return render()
    }
    show(h('h1', {}, 'Something went wrong'), h('p', { class: 'error', role: 'alert' }, failure.message))
  }
}

document.getElementById('sign-out').addEventListener('click', async () => {
  try {
    await api('/session', { method: 'DELETE' })
  } finally {
    signedOut()
    location.hash = '#/activity'
    render()
  }
})

async function start() {
  try {
    ;({ applicationId } = await api('/config'))
  } catch (failure) {
    if (failure instanceof ApiFailure && failure.status === 404) {
      show(
        h('h1', {}, 'The console is off'),
        h(
          'p',
          {},
          'Its application does not exist yet. Create the application named by CONSOLE_APPLICATION_ID (by default FusionAuth\u2019s admin application, 3c219e58-ed0e-4b18-ad48-f4f92793ae32) with an admin role, and register a user to it with that role.',
        ),
      )
      return
    }
    throw failure
  }
  window.addEventListener('hashchange', render)
  await render()
}

start()
