// Pure TypeScript (no imports): the console (apps/console) imports these shapes too. The ChannelAccount
// entity implements ChannelAccountRecord; the admin API sends ChannelAccountView.

/** A row of `channel_accounts`. `credentialsEnc` is sealed (SecretBox) and never leaves the server. */
export interface ChannelAccountRecord {
  id: string;
  organisationId: string;
  channelType: string;
  name: string;
  baseUrl: string;
  credentialsEnc: string | null;
  settings: Record<string, any>;
  enabled: boolean;
  /** active | needs_attention (credentials or permissions problem an operator must fix) */
  status: string;
  statusReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A channel account as GET/POST/PATCH channel-accounts send it: the secret replaced by whether there is one. */
export interface ChannelAccountView extends Omit<ChannelAccountRecord, 'credentialsEnc'> {
  hasCredentials: boolean;
}
