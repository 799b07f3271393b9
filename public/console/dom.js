/** Small DOM helpers: elements are built with properties and children, never from HTML strings. */

/** `h('a', { href: '#/x' }, 'text', child)`: an element with properties (`class`, `data-*` and `aria-*` as attributes). */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue
    if (name === 'class') element.className = value
    else if (name.startsWith('data-') || name.startsWith('aria-') || name === 'role' || name === 'for')
      element.setAttribute(name, String(value))
    else if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value)
    else element[name] = value
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue
    element.append(child instanceof Node ? child : String(child))
  }
  return element
}

/** A form control with its label (`for` the control's id), so the control's accessible name is the label alone. */
export function labeled(text, control) {
  return h('div', { class: 'field' }, h('label', { for: control.id }, text), control)
}

/** Replaces the page's content and moves focus to it, so keyboard and screen-reader users land on the new page. */
export function show(...children) {
  const main = document.getElementById('main')
  main.replaceChildren(...children)
  main.focus({ preventScroll: true })
}

let statusTimer
/** A short message in the live region. */
export function announce(message) {
  const status = document.getElementById('status')
  status.textContent = message
  clearTimeout(statusTimer)
  statusTimer = setTimeout(() => {
    status.textContent = ''
  }, 4000)
}

/** Asks before a change; resolves true when confirmed. */
export function confirmAction(title, text, okLabel) {
  const dialog = document.getElementById('confirm')
  document.getElementById('confirm-title').textContent = title
  document.getElementById('confirm-text').textContent = text
  document.getElementById('confirm-ok').textContent = okLabel
  dialog.returnValue = ''
  dialog.showModal()
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true })
  })
}

/** A table from column labels and rows of cells; `numeric` names columns aligned right. */
export function table(columns, rows, numeric = []) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          columns.map((c) => h('th', { scope: 'col', class: numeric.includes(c) ? 'num' : undefined }, c)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((cells) =>
          h(
            'tr',
            {},
            cells.map((cell, i) => h('td', { class: numeric.includes(columns[i]) ? 'num' : undefined }, cell)),
          ),
        ),
      ),
    ),
  )
}

/** An instant as local date and time in `zone` (the report time zone, or the browser's). */
export function formatInstant(millis, zone) {
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium', timeZone: zone }).format(new Date(millis))
}
