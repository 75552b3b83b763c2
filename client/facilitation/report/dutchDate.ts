const MONTHS = [
  'januari', 'februari', 'maart', 'april', 'mei', 'juni',
  'juli', 'augustus', 'september', 'oktober', 'november', 'december',
] as const

/**
 * A date the Dutch way, in local time: "24 november 2026". Spelled out here rather than with
 * `toLocaleDateString('nl-NL')`, so the result never depends on which ICU data a runtime ships.
 */
export function dutchDate(date: Date): string {
  return `${date.getDate()} ${MONTHS[date.getMonth()]} ${date.getFullYear()}`
}
