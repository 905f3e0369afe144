/** Who is calling, as every layer below authentication sees it. */
export interface Principal {
  /** Stable key used for ownership (status resources) and logs, e.g. `user:alice`. */
  key: string;
  username: string;
  /** How the caller authenticated, for logs; never the secret. */
  scheme: 'basic';
}
