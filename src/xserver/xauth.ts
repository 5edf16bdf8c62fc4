import { randomBytes } from 'node:crypto';

/**
 * The Xauthority file format (Xau(3), X11 `Xauth.h`): a sequence of entries, each
 * family (uint16 big-endian), then address, number, name and data, each a uint16 big-endian
 * length followed by that many bytes. x11docker writes its own files in this format so the
 * session's cookie never touches `~/.Xauthority`.
 */

/** Address family values from `X11/Xauth.h`. */
export const FamilyWild = 0xffff;
export const FamilyLocal = 256;

/** Authorization protocol name for cookies. */
export const MIT_MAGIC_COOKIE = 'MIT-MAGIC-COOKIE-1';

/** One entry of an Xauthority file. */
export interface XauthEntry {
  /** Address family; {@link FamilyWild} matches any host, which a container's own hostname needs. */
  readonly family: number;
  /** Address bytes (a hostname for FamilyLocal; empty for FamilyWild). */
  readonly address: Buffer;
  /** Display number as decimal text, e.g. `"101"`. */
  readonly number: string;
  /** Protocol name, normally {@link MIT_MAGIC_COOKIE}. */
  readonly name: string;
  /** The secret (16 bytes for a cookie). */
  readonly data: Buffer;
}

/** A fresh random MIT-MAGIC-COOKIE-1 (16 bytes from the CSPRNG). */
export function newCookie(): Buffer {
  return randomBytes(16);
}

/**
 * Serializes entries to the Xauthority file format.
 * @throws RangeError when a field is longer than 65535 bytes.
 */
export function encodeXauth(entries: readonly XauthEntry[]): Buffer {
  const parts: Buffer[] = [];
  const field = (b: Buffer) => {
    if (b.length > 0xffff) throw new RangeError('Xauthority field longer than 65535 bytes');
    const len = Buffer.alloc(2);
    len.writeUInt16BE(b.length);
    parts.push(len, b);
  };
  for (const e of entries) {
    const fam = Buffer.alloc(2);
    fam.writeUInt16BE(e.family);
    parts.push(fam);
    field(e.address);
    field(Buffer.from(e.number, 'latin1'));
    field(Buffer.from(e.name, 'latin1'));
    field(e.data);
  }
  return Buffer.concat(parts);
}

/**
 * Parses an Xauthority file; a truncated last entry is ignored (as libXau does).
 * @param file the file's bytes.
 */
export function decodeXauth(file: Buffer): XauthEntry[] {
  const entries: XauthEntry[] = [];
  let pos = 0;
  const field = (): Buffer | undefined => {
    if (pos + 2 > file.length) return undefined;
    const len = file.readUInt16BE(pos);
    if (pos + 2 + len > file.length) return undefined;
    const b = file.subarray(pos + 2, pos + 2 + len);
    pos += 2 + len;
    return b;
  };
  while (pos + 2 <= file.length) {
    const family = file.readUInt16BE(pos);
    pos += 2;
    const address = field();
    const number = field();
    const name = field();
    const data = field();
    if (!address || !number || !name || !data) break;
    entries.push({ family, address: Buffer.from(address), number: number.toString('latin1'), name: name.toString('latin1'), data: Buffer.from(data) });
  }
  return entries;
}

/**
 * The single wildcard entry x11docker gives a client of display `:display`: any address
 * matches, so a container with another hostname still finds it.
 */
export function wildcardEntry(display: number, cookie: Buffer, name = MIT_MAGIC_COOKIE): XauthEntry {
  return { family: FamilyWild, address: Buffer.alloc(0), number: String(display), name, data: cookie };
}

/**
 * The cookie a client of `display` uses from an authority file's entries, chosen as libXau's
 * XauGetBestAuthByAddr does for a local connection: a MIT-MAGIC-COOKIE-1 entry for the display's
 * number, preferring this host's name (FamilyLocal), then a wildcard entry, then any other.
 * @param entries the decoded authority file.
 * @param display a DISPLAY value (`:0`, `:0.0`, `unix:0`, `localhost:10.0`).
 * @param hostname this host's name (os.hostname()).
 * @returns undefined when the display has no cookie there (a server without access control).
 */
export function cookieFor(entries: readonly XauthEntry[], display: string, hostname: string): XauthEntry | undefined {
  const number = /:(\d+)(?:\.\d+)?$/.exec(display)?.[1];
  const mine = entries.filter((e) => e.number === number && e.name === MIT_MAGIC_COOKIE);
  return (
    mine.find((e) => e.family === FamilyLocal && e.address.toString('latin1') === hostname) ??
    mine.find((e) => e.family === FamilyWild) ??
    mine[0]
  );
}
