import type { CloseCodeValue } from '../../protocol/closeCodes'

/** Input that breaks the protocol or a rule: the relay closes only that connection with `code`. */
export class ProtocolError extends Error {
  constructor(
    readonly code: CloseCodeValue,
    message: string,
  ) {
    super(message)
  }
}
