/**
 * Activity: successful logins per hour (last 24 hours) and per day (last 30), by application, drawn with uPlot
 * (public/console/vendor/, copied from node_modules by scripts/console-assets.mjs) and repeated as tables.
 */
import { api } from './api.js'
import { h, show, table } from './dom.js'

const COLORS = ['#0b63ce', '#e8590c', '#2f9e44', '#ae3ec9', '#f08c00', '#1098ad', '#c2255c', '#5c940d', '#364fc7', '#862e9c']
const charts = []

function chartFor(container, chart, zoneId, unit) {
  const xs = chart.starts.map((start) => start / 1000)
  const series = [
    {},
    ...chart.series.map((s, index) => ({
      label: s.applicationName,
      stroke: COLORS[index % COLORS.length],
      width: 2,
      points: { show: true, size: 5 },
    })),
  ]
  const data = [xs, ...chart.series.map((s) => s.counts)]
  const width = Math.max(280, container.clientWidth)
  const plot = new window.uPlot(
    {
      width,
      height: 260,
      series,
      tzDate: (seconds) => window.uPlot.tzDate(new Date(seconds * 1000), zoneId),
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.15))] } },
      axes: [{}, { label: 'logins', size: 50 }],
      legend: { live: true },
      cursor: { points: { size: 8 } },
    },
    data,
    container,
  )
  plot.root.setAttribute('aria-hidden', 'true')
  plot.root.dataset.unit = unit
  charts.push({ plot, container })
}

function totalsTable(chart, unit) {
  const rows = chart.series.map((s, index) => [
    h('span', {}, h('span', { class: 'swatch', 'data-color': COLORS[index % COLORS.length] }), s.applicationName),
    String(s.counts.reduce((sum, n) => sum + n, 0)),
    String(Math.max(0, ...s.counts)),
  ])
  rows.push([
    h('strong', {}, 'All applications'),
    String(chart.totals.reduce((sum, n) => sum + n, 0)),
    String(Math.max(0, ...chart.totals)),
  ])
  const element = table(['Application', 'Logins', `Busiest ${unit}`], rows, ['Logins', `Busiest ${unit}`])
  element.querySelector('table').classList.add('totals')
  // A style attribute would break the page's Content-Security-Policy; the swatch colours are set through the CSSOM.
  for (const swatch of element.querySelectorAll('.swatch')) swatch.style.background = swatch.dataset.color
  return element
}

function section(title, chart, zoneId, unit) {
  const container = h('div', { class: 'chart', role: 'img', 'aria-label': `${title}: a chart of logins per ${unit}, by application` })
  const card = h('section', { class: 'card', 'data-chart': unit }, h('h2', {}, title), container, totalsTable(chart, unit))
  return { card, draw: () => chartFor(container, chart, zoneId, unit) }
}

function resize() {
  for (const { plot, container } of charts) plot.setSize({ width: Math.max(280, container.clientWidth), height: 260 })
}
window.addEventListener('resize', resize)

export async function activityPage() {
  const activity = await api('/activity')
  for (const { plot } of charts.splice(0)) plot.destroy()
  const hourly = section('Logins per hour, last 24 hours', activity.hourly, activity.zoneId, 'hour')
  const daily = section('Logins per day, last 30 days', activity.daily, activity.zoneId, 'day')
  show(
    h('h1', {}, 'Activity'),
    h(
      'p',
      { class: 'note' },
      `Successful logins, from login records, in the report time zone (${activity.zoneId}). `,
      'Failed logins are not counted: as in FusionAuth, login records hold successes only; a failure is an event (user.login.failed) sent to webhooks, not a record.',
    ),
    hourly.card,
    daily.card,
  )
  hourly.draw()
  daily.draw()
}
