// Pure TypeScript: the console imports these shapes too.

/** A created user's one-time link: the admin hands it over; the user sets the password with it. */
export interface SetPasswordLink {
  username: string;
  displayName: string;
  organisationCode: string;
  /** Console path with the token in the fragment (`/set-password#token=…`); prefix the console's address. */
  path: string;
  expiresAt: string;
}

/** The answer of POST /imports/people (a dry run writes nothing and has no id nor links). */
export interface PeopleImportResult {
  dryRun: boolean;
  id: string | null;
  organisations: number;
  users: number;
  links: SetPasswordLink[];
}
