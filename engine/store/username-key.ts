/** Usernames are unique case-insensitively (contract §4): this is the comparison key. */
export function usernameKey(username: string): string {
  return username.normalize('NFKC').toLowerCase();
}
