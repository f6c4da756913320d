/** Only same-site paths may be used as a post-sign-in destination, so a link cannot bounce users elsewhere. */
export function safeNextPath(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}
