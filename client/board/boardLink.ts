import { TOKEN_PARAM } from '../../protocol/roles'

/** The token of this page's link, from the #fragment (where it never reaches a server log). */
export function tokenFromLocation(): string | null {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''))
  return params.get(TOKEN_PARAM)
}
