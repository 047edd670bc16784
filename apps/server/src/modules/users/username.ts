/** The key usernames are unique by: NFKC-normalised and lower-cased, so look-alike case variants collide. */
export function usernameKey(username: string): string {
  return username.trim().normalize("NFKC").toLowerCase();
}
