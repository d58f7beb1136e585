/** Something that happened to a contact and that marketing webhooks report (names as in POST /webhooks `events`). */
export type MarketingEventKind = 'unsubscribed' | 'hardBounce' | 'spam' | 'contactUpdated' | 'contactDeleted' | 'listAddition';

export interface MarketingEvent {
  kind: MarketingEventKind;
  at: number;
  email?: string;
  contactId: number;
  listIds: number[];
  /** contactUpdated: the attribute values that changed. */
  changes?: Record<string, unknown>;
  campaignId?: number;
  reason?: string;
}
