import { describe, expect, it } from 'vitest'
import { escapeCsvField, LOGIN_RECORD_CSV_HEADER, loginRecordCsvLine } from '../../../src/domain/export/csv'
import { compileDateFormat, DEFAULT_DATE_TIME_SECONDS_FORMAT, type JavaDateFormatter } from '../../../src/domain/export/java-date-format'

function formatter(pattern: string): JavaDateFormatter {
  const compiled = compileDateFormat(pattern)
  if (!compiled.ok) throw new Error(compiled.message)
  return compiled.formatter
}

const USER_ID = '00000000-0000-0000-0000-000000000001'
const APPLICATION_ID = '3c219e58-ed0e-4b18-ad48-f4f92793ae32'

describe('escapeCsvField', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['"', '""""'],
    ['line\nbreak', '"line\nbreak"'],
    ['carriage\rreturn', '"carriage\rreturn"'],
    ['crlf\r\n', '"crlf\r\n"'],
    ["it's; fine", "it's; fine"],
  ])('%j -> %j', (value, escaped) => {
    expect(escapeCsvField(value)).toBe(escaped)
  })
})

describe('login-record CSV', () => {
  it('uses the documented header, quotes and trailing spaces included', () => {
    expect(LOGIN_RECORD_CSV_HEADER).toBe(
      '"User Id ","Identity value ","Identity type ","Time ","Application Id ","IP Address ","City ","Country ","Zipcode ","Region ","Latitude ","Longitude "\n',
    )
  })

  it('prints the documented sample row for a login tied to an identity', () => {
    const line = loginRecordCsvLine(
      {
        userId: USER_ID,
        loginId: 'richard@piedpiper.com',
        loginIdType: 'email',
        instant: Date.UTC(2022, 4, 12, 6, 25, 12),
        applicationId: APPLICATION_ID,
        ipAddress: '127.0.0.1',
      },
      formatter(DEFAULT_DATE_TIME_SECONDS_FORMAT),
      'America/Denver',
    )
    expect(line).toBe(`${USER_ID},richard@piedpiper.com,email,5/12/2022 12:25:12 AM MDT,${APPLICATION_ID},127.0.0.1,,,,,,\n`)
  })

  it('leaves identity, application and IP columns empty when absent', () => {
    const line = loginRecordCsvLine(
      { userId: USER_ID, loginId: 'richard@piedpiper.com', instant: Date.UTC(2022, 4, 12, 20, 46, 44), applicationId: null },
      formatter(DEFAULT_DATE_TIME_SECONDS_FORMAT),
      'America/Denver',
    )
    expect(line).toBe(`${USER_ID},,,5/12/2022 02:46:44 PM MDT,,,,,,,,\n`)
    expect(line.split(',')).toHaveLength(12)
  })

  it('escapes values and formatted times that need quoting', () => {
    const line = loginRecordCsvLine(
      { userId: USER_ID, loginId: 'odd,"name"\nx', loginIdType: 'username', instant: Date.UTC(2022, 0, 2), ipAddress: '::1' },
      formatter('MMM d, yyyy'),
      'UTC',
    )
    expect(line).toBe(`${USER_ID},"odd,""name""\nx",username,"Jan 2, 2022",,::1,,,,,,\n`)
  })

  it('prints the time in the requested zone', () => {
    const line = loginRecordCsvLine(
      { userId: USER_ID, instant: Date.UTC(2022, 6, 1, 12) },
      formatter("yyyy-MM-dd'T'HH:mmXXX"),
      'Europe/London',
    )
    expect(line).toBe(`${USER_ID},,,2022-07-01T13:00+01:00,,,,,,,,\n`)
  })
})
