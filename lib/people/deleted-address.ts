/** The domain of a deleted account's placeholder address; RFC 2606 `.invalid`, never delivered. */
export const DELETED_EMAIL_DOMAIN = "@deleted.invalid";

/** The address a deleted account is left with (lib/people/delete-account.ts): unique, and no one's. */
export function deletedEmail(userId: string): string {
  return `deleted-${userId}${DELETED_EMAIL_DOMAIN}`;
}
