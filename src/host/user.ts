/** A user account on the host, from the passwd database (a leaf module: host/ files share it without import cycles). */
export interface HostUser {
  /** Login name. */
  readonly name: string;
  readonly uid: number;
  /** Primary group id. */
  readonly gid: number;
  /** Name of the primary group (falls back to the user name when unknown). */
  readonly groupName: string;
  /** Home directory on the host (absolute). */
  readonly home: string;
}
