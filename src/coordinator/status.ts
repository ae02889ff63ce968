// What a coordinator tells its nodes about the charger. Nodes turn it into a coloured
// status with their message catalogue; nothing here is display text but `error`.

export type ChargerStatus =
  | { state: 'idle' }
  | { state: 'connecting' }
  | { state: 'online'; charging: boolean; carConnected: boolean; power?: number }
  | { state: 'offline'; error: string; code?: string; failures: number; retryInMs: number }
  | { state: 'closed' }
  // Set by the config node when it has no usable LAN address.
  | { state: 'unconfigured'; error: string };
