/** Login records: the search filters, keyset pages (newest first) and the export as a download. */
import { api, query } from './api.js'
import { formatInstant, h, labeled, show, table } from './dom.js'

const DEFAULT_PATTERN = 'M/d/yyyy hh:mm:ss a z'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** A datetime-local value (the browser's zone) as epoch milliseconds. */
const instantOf = (value) => (value === '' ? undefined : new Date(value).getTime())

/** The user filter takes an id, or an email or username looked up through the user search. */
async function userIdOf(text) {
  const term = text.trim()
  if (term === '' || UUID.test(term)) return term
  const { users } = await api(`/users${query({ q: term })}`)
  const exact = users.find((u) => u.email?.toLowerCase() === term.toLowerCase() || u.username?.toLowerCase() === term.toLowerCase())
  if (exact === undefined) throw new Error(`No user has the email or username ${term}.`)
  return exact.id
}

export async function recordsPage(params = new URLSearchParams()) {
  const { applications } = await api('/applications')
  const error = h('p', { class: 'error', role: 'alert' })
  const results = h('div', { id: 'records-results' })
  const form = h(
    'form',
    { class: 'grid', id: 'records-filter', 'aria-label': 'Filter login records' },
    labeled('User (email, username or id)', h('input', { name: 'user', id: 'filter-user', value: params.get('user') ?? '' })),
    labeled(
      'Application',
      h(
        'select',
        { name: 'applicationId', id: 'filter-application' },
        h('option', { value: '' }, 'Any'),
        applications.map((a) => h('option', { value: a.id }, a.name)),
      ),
    ),
    labeled('From', h('input', { name: 'start', type: 'datetime-local', step: 1, id: 'filter-start' })),
    labeled('To', h('input', { name: 'end', type: 'datetime-local', step: 1, id: 'filter-end' })),
    h('button', { type: 'submit' }, 'Search'),
  )
  const exportForm = h(
    'form',
    { class: 'grid', id: 'records-export', 'aria-label': 'Export login records' },
    labeled('Date pattern', h('input', { name: 'dateTimeSecondsFormat', value: DEFAULT_PATTERN, id: 'export-pattern' })),
    labeled('Time zone (blank: the report time zone)', h('input', { name: 'zoneId', placeholder: 'America/Denver', id: 'export-zone' })),
    h('button', { type: 'submit', class: 'secondary' }, 'Download export (.zip)'),
  )

  let criteria = {}
  /** Cursors of the pages before the current one, for Newer. */
  const trail = []

  async function readCriteria() {
    const data = new FormData(form)
    return {
      userId: await userIdOf(String(data.get('user') ?? '')),
      applicationId: data.get('applicationId'),
      start: instantOf(String(data.get('start') ?? '')),
      end: instantOf(String(data.get('end') ?? '')),
    }
  }

  async function load(after) {
    const page = await api(`/records${query({ ...criteria, after })}`)
    const rows = page.records.map((r) => [
      formatInstant(r.instant),
      h('a', { href: `#/user/${r.userId}` }, r.loginId),
      r.applicationName ?? r.applicationId ?? '—',
      r.ipAddress ?? '',
    ])
    const newer = h('button', { type: 'button', class: 'secondary', disabled: trail.length === 0, id: 'records-newer' }, 'Newer')
    const older = h('button', { type: 'button', class: 'secondary', disabled: page.next === null, id: 'records-older' }, 'Older')
    newer.addEventListener('click', () => {
      trail.pop()
      load(trail[trail.length - 1]).catch((e) => (error.textContent = e.message))
    })
    older.addEventListener('click', () => {
      trail.push(page.next)
      load(page.next).catch((e) => (error.textContent = e.message))
    })
    results.replaceChildren(
      page.records.length === 0
        ? h('p', { class: 'muted' }, 'No login records match.')
        : table(['When', 'Login', 'Application', 'IP address'], rows),
      h('div', { class: 'actions' }, newer, older),
    )
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    error.textContent = ''
    try {
      criteria = await readCriteria()
      trail.length = 0
      await load(undefined)
    } catch (failure) {
      error.textContent = failure.message
    }
  })
  exportForm.addEventListener('submit', async (event) => {
    event.preventDefault()
    error.textContent = ''
    try {
      const data = new FormData(exportForm)
      const params = { ...(await readCriteria()), dateTimeSecondsFormat: data.get('dateTimeSecondsFormat'), zoneId: data.get('zoneId') }
      const link = h('a', { href: `/console/api/records/export${query(params)}`, download: '' })
      document.body.append(link)
      link.click()
      link.remove()
    } catch (failure) {
      error.textContent = failure.message
    }
  })

  show(
    h('h1', {}, 'Login records'),
    h('section', { class: 'card' }, form, error),
    h('section', { class: 'card', 'aria-label': 'Results' }, results),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Export'),
      h('p', { class: 'note' }, 'A zip of CSV with the filters above, as the export API sends it.'),
      exportForm,
    ),
  )
  criteria = await readCriteria()
  await load(undefined)
}
