/**
 * Whether a user as docker reads it (`docker run --user`, an image's `USER`) is root. docker
 * (runc's user lookup) takes a numeric uid with Go's `strconv.Atoi`, which accepts leading zeros
 * and a sign: `00`, `+0`, `-0` and `000:5` are all uid 0, as `0` and `root` are.
 */

/**
 * Whether `spec` (`USER[:GROUP]`, name or number) runs as root.
 * @param spec e.g. `root`, `0`, `00:0`, `+0`, `1000:1000`, `alice`.
 * @param emptyIsRoot whether an empty user counts as root (an image without `USER` runs as root;
 *   an empty `--user` value is no user at all).
 */
export function isRootUser(spec: string, emptyIsRoot = false): boolean {
  const user = spec.split(':')[0] ?? '';
  if (user === '') return emptyIsRoot;
  if (user === 'root') return true;
  return /^[+-]?\d+$/.test(user) && Number(user) === 0;
}
