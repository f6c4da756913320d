import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";

/**
 * A notification channel's target (a Slack webhook URL is a bearer secret: anyone holding it can post) is
 * stored encrypted with AES-256-GCM under a key derived from BETTER_AUTH_SECRET, which web (encrypts when a
 * channel is saved) and worker (decrypts to send) both have. Stored form, one string:
 *
 *   v1.<key id>.<iv>.<auth tag>.<ciphertext>   (base64url parts)
 *
 * The key id (a hash of the derived key, not the key) lets a wrong or rotated secret be told apart from a
 * tampered value, so the error says which one it is.
 */

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Fixed salt and info: the key only has to differ from every other use of BETTER_AUTH_SECRET. */
const HKDF_SALT = "switchyard/notification-channel";
const HKDF_INFO = "aes-256-gcm webhook target v1";

export class ChannelSecretError extends Error {
  override name = "ChannelSecretError";
}

export interface ChannelKey {
  key: Buffer;
  id: string;
}

export function deriveChannelKey(authSecret: string): ChannelKey {
  if (authSecret.length < 32) {
    throw new ChannelSecretError(
      "BETTER_AUTH_SECRET must be at least 32 characters to derive the channel key",
    );
  }
  const key = Buffer.from(hkdfSync("sha256", authSecret, HKDF_SALT, HKDF_INFO, 32));
  const id = createHash("sha256").update(key).digest("base64url").slice(0, 8);
  return { key, id };
}

function keyOf(secret: string | ChannelKey): ChannelKey {
  return typeof secret === "string" ? deriveChannelKey(secret) : secret;
}

export function encryptChannelSecret(plaintext: string, secret: string | ChannelKey): string {
  const { key, id } = keyOf(secret);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, id, iv, cipher.getAuthTag(), ciphertext]
    .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
    .join(".");
}

export function decryptChannelSecret(stored: string, secret: string | ChannelKey): string {
  const { key, id } = keyOf(secret);
  const parts = stored.split(".");
  if (parts.length !== 5 || parts[0] !== VERSION) {
    throw new ChannelSecretError(`The stored channel secret is not in the ${VERSION} format`);
  }
  const [, storedKeyId, ivText, tagText, ciphertextText] = parts as [string, string, string, string, string];
  if (storedKeyId !== id) {
    throw new ChannelSecretError(
      `The channel secret was encrypted with a different BETTER_AUTH_SECRET (key ${storedKeyId}, this process has ${id}); ` +
        "set the same secret on web and worker, or enter the webhook URL again",
    );
  }
  const iv = Buffer.from(ivText, "base64url");
  const tag = Buffer.from(tagText, "base64url");
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new ChannelSecretError("The stored channel secret is damaged (bad iv or tag length)");
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([
      decipher.update(Buffer.from(ciphertextText, "base64url")),
      decipher.final(),
    ]).toString("utf8");
  } catch {
    throw new ChannelSecretError("The stored channel secret was modified (authentication failed)");
  }
}

/**
 * What the UI shows instead of a webhook URL: the origin, the first path segment, two characters of the
 * second and the last four of the last, e.g. https://hooks.slack.com/services/T0…/…/…a1b2. The query
 * string is dropped.
 */
export function maskWebhookUrl(raw: string): string {
  const url = new URL(raw);
  const segments = url.pathname.split("/").filter(Boolean);
  const masked = segments.map((segment, index) => {
    if (index === 0 && segments.length > 1) return segment;
    if (index === segments.length - 1) return segment.length > 8 ? `…${segment.slice(-4)}` : "…";
    if (index === 1) return `${segment.slice(0, 2)}…`;
    return "…";
  });
  return `${url.origin}/${masked.join("/")}`;
}
