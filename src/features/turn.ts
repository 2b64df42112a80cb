import type { AdaptiveCardJson } from './shared/cards.js';
import type { ConsentDelivery, FileOffer } from './fileOffer.js';

/** The person who wrote or pressed: Teams' id for the chat, their Entra ID object id, and their name. */
export interface TurnPerson {
  id: string;
  aadObjectId?: string;
  name: string;
}

/** Where they wrote: their personal chat with the bot, a group chat, or a team channel (with its id). */
export interface TurnPlace {
  kind: 'personal' | 'groupChat' | 'channel' | 'other';
  channelId?: string;
  teamId?: string;
  tenantId?: string;
}

/** A member of the conversation (or its team), as Teams knows them. */
export interface TeamsMember {
  id: string;
  aadObjectId?: string;
  name?: string;
}

/**
 * One message or card press as the features see it: who, where, and the ways to answer. The Teams edge makes it
 * from the activity, so nothing else needs botbuilder.
 */
export interface Turn {
  person: TurnPerson;
  place: TurnPlace;
  reply(card: AdaptiveCardJson): Promise<void>;
  replyText(text: string): Promise<void>;
  /** The consent card for a file, here if this is the person's personal chat, otherwise in that chat. */
  offerFile(offer: FileOffer): Promise<ConsentDelivery>;
  /** A member of this conversation or team by id or e-mail address; undefined when Teams knows no such member. */
  member(idOrEmail: string): Promise<TeamsMember | undefined>;
}
