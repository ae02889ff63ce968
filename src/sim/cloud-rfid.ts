// The charger's RFID whitelist as the cloud manages it: learning mode names the next card
// swiped at the charger (docs/charger-protocol.md, cloud); cards are added, renamed and deleted by code.

export interface RfidCard {
  code: string;
  tag: string;
  /** Simulated epoch ms. */
  createdAt: number;
}

/**
 * What a swipe did: learned (learning mode named it), authorized (a known card),
 * unknown (not on the list), reader-off (set_rfid value=0: the reader ignores cards).
 */
export type SwipeResult = 'learned' | 'authorized' | 'unknown' | 'reader-off';

export class RfidCards {
  /** set_rfid: 1 = reader on. */
  readerOn = true;
  private readonly cards = new Map<string, RfidCard>();
  private learningTag: string | undefined;

  /** The name the next swiped card gets, while learning mode is on. */
  get learning(): string | undefined {
    return this.learningTag;
  }

  list(): RfidCard[] {
    return [...this.cards.values()].map((c) => ({ ...c }));
  }

  find(code: string): RfidCard | undefined {
    const card = this.cards.get(code);
    return card && { ...card };
  }

  learn(tag: string): void {
    this.learningTag = tag;
  }

  /** False when the code is already registered. */
  add(code: string, tag: string, now: number): boolean {
    if (this.cards.has(code)) return false;
    this.cards.set(code, { code, tag, createdAt: now });
    return true;
  }

  /** False when no card has the code. */
  rename(code: string, tag: string): boolean {
    const card = this.cards.get(code);
    if (!card) return false;
    card.tag = tag;
    return true;
  }

  remove(code: string): boolean {
    return this.cards.delete(code);
  }

  /** A card held to the reader. Learning mode ends with the first card it names. */
  swipe(code: string, now: number): { result: SwipeResult; card?: RfidCard } {
    if (!this.readerOn) return { result: 'reader-off' };
    const known = this.cards.get(code);
    if (this.learningTag !== undefined && !known) {
      const card = { code, tag: this.learningTag, createdAt: now };
      this.cards.set(code, card);
      this.learningTag = undefined;
      return { result: 'learned', card: { ...card } };
    }
    return known ? { result: 'authorized', card: { ...known } } : { result: 'unknown' };
  }
}
