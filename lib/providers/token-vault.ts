/**
 * Seals and opens the credentials Ledgerlink stores, with the keys of TOKEN_ENCRYPTION_KEYS.
 * Each ciphertext is bound to its row and column, so a value copied elsewhere fails to open.
 */
import { env } from "../env";
import { createTokenCipher, type TokenCipher } from "../crypto/token-crypto";

export type ConnectionTokenField = "access_token" | "refresh_token";

let cipher: TokenCipher | undefined;

/** The cipher built from TOKEN_ENCRYPTION_KEYS (first key encrypts, every key decrypts). */
export function getTokenCipher(): TokenCipher {
  cipher ??= createTokenCipher(env.TOKEN_ENCRYPTION_KEYS);
  return cipher;
}

export function connectionTokenContext(connectionId: string, field: ConnectionTokenField): string {
  return `provider_connections:${connectionId}:${field}`;
}

export function codeVerifierContext(stateHash: string): string {
  return `oauth_states:${stateHash}:code_verifier`;
}

export function sealConnectionToken(connectionId: string, field: ConnectionTokenField, value: string): string {
  return getTokenCipher().encrypt(value, connectionTokenContext(connectionId, field));
}

export function openConnectionToken(connectionId: string, field: ConnectionTokenField, sealed: string): string {
  return getTokenCipher().decrypt(sealed, connectionTokenContext(connectionId, field));
}

/** The PKCE verifier is keyed by the state's hash (the row's primary key). */
export function sealCodeVerifier(stateHash: string, verifier: string): string {
  return getTokenCipher().encrypt(verifier, codeVerifierContext(stateHash));
}

export function openCodeVerifier(stateHash: string, sealed: string): string {
  return getTokenCipher().decrypt(sealed, codeVerifierContext(stateHash));
}

/**
 * The token a callback obtained but has not stored yet (kept on its OAuth state until
 * activation), so the sweep can revoke a grant whose callback crashed.
 */
export interface PendingGrant {
  field: ConnectionTokenField;
  token: string;
}

export function sealPendingGrant(stateHash: string, grant: PendingGrant): string {
  return getTokenCipher().encrypt(JSON.stringify(grant), `oauth_states:${stateHash}:grant`);
}

export function openPendingGrant(stateHash: string, sealed: string): PendingGrant {
  return JSON.parse(getTokenCipher().decrypt(sealed, `oauth_states:${stateHash}:grant`)) as PendingGrant;
}
