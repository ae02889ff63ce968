// What a coordinator tells its nodes about the charger. Nodes turn it into a coloured
// status with their message catalogue; nothing here is display text but `error`.

/**
 * The account's cloud quota as nodes show it (absent: no cloud key, or all is well).
 * 'unshared': the shared ledger (Redis) is unreachable, this instance keeps to its share.
 */
export type QuotaState = 'low' | 'spent' | 'authFailed' | 'unshared';

export type ChargerStatus = ChargerState & { quota?: QuotaState };

export type ChargerState =
  | { state: 'idle' }
  | { state: 'connecting' }
  | { state: 'online'; charging: boolean; carConnected: boolean; power?: number }
  | { state: 'offline'; error: string; code?: string; failures: number; retryInMs: number }
  | { state: 'closed' }
  // Set by the config node when it has no usable LAN address; noAddress: nothing is set yet
  // (a freshly imported example), so the status says what to set rather than what is wrong.
  | { state: 'unconfigured'; error: string; noAddress?: boolean };
