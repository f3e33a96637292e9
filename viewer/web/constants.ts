/** Calls per page (the server caps a page at 500). */
export const CALLS_PAGE = 50;
