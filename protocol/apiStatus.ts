/** HTTP status of `/api` calls that create something when the address's hourly budget is used up. */
export const HTTP_TOO_MANY_REQUESTS = 429
