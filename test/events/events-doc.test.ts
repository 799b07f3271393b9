/**
 * docs/events.md lists every event type of event-types.ts once, and says "yes" in its Emitted column exactly for the
 * types marked `emitted`: the page cannot drift from what the code sends.
 */
import { describe, expect, it } from 'vitest'
import doc from '../../docs/events.md?raw'
import { EVENT_TYPES, eventTypeInfo, isEventType } from '../../src/domain/events/event-types'

interface Row {
  types: string[]
  emitted: boolean
}

function rows(markdown: string): Row[] {
  const table = markdown.split('## Every event type')[1] ?? ''
  return table
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const [, names = '', emitted = ''] = line.split('|')
      return { types: [...names.matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? ''), emitted: emitted.trim() === 'yes' }
    })
}

describe('docs/events.md', () => {
  it('lists every event type once, with its emitted flag', () => {
    const listed = rows(doc).flatMap((row) => row.types.map((type) => [type, row.emitted] as const))
    expect(listed.map(([type]) => type).sort()).toEqual(Object.keys(EVENT_TYPES).sort())
    for (const [type, emitted] of listed) {
      if (!isEventType(type)) throw new Error(`not an event type: ${type}`)
      expect({ type, emitted }).toEqual({ type, emitted: eventTypeInfo(type).emitted })
    }
  })
})
