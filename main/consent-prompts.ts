import { randomUUID } from 'node:crypto';
import type { BridgeEvent, BridgeEvents } from '../bridge/channels.ts';
import type { ConsentOutcome, ConsentPrompt } from '../bridge/types.ts';
import { scopeWords } from '../client/connected-apps.ts';
import {
  ConsentLinkError,
  giveConsent,
  isOpenableRedirect,
  parseConsentLink,
  redirectAfter,
  reviewConsent,
  type ConsentLink,
} from '../client/oauth-consent.ts';
import { PrivicoreError } from '../client/privicore-error.ts';
import type { VaultSession } from '../client/session.ts';
import type { Platform } from './platform.ts';

export interface ConsentPromptsOptions {
  /** The signed-in session, if any. */
  session(): VaultSession | undefined;
  platform: Pick<Platform, 'openExternal'>;
  emit<E extends BridgeEvent>(event: E, payload: BridgeEvents[E]): void;
}

/** Links answered or not, at most this many wait; an older one gives way. */
const MAX_WAITING = 10;

interface Waiting {
  prompt: ConsentPrompt;
  /** The checked request, for a `ready` prompt: the redirect URI is the registered one. */
  link: ConsentLink | null;
}

/**
 * Consent links that reached this computer (privicore://oauth/authorize…) and the person's
 * answers. A link is untrusted input: it is parsed and checked here in main, every fact shown
 * comes from the engine's record, and only the person's answer gives anything (APPROVALS.md).
 * After an answer the browser goes to the registered redirect URI, never the link's own.
 */
export class ConsentPrompts {
  private readonly waiting = new Map<string, Waiting>();
  /** Links that came while nobody was signed in: reviewed at the next sign-in. */
  private deferred: string[] = [];

  constructor(private readonly options: ConsentPromptsOptions) {}

  /**
   * Reads a link and asks the window to show it; resolves with the prompt shown, or null when
   * nobody is signed in (the link is then shown after the next sign-in).
   */
  async open(raw: string): Promise<ConsentPrompt | null> {
    if (!this.options.session()) {
      this.deferred = [...this.deferred, raw].slice(-MAX_WAITING);
      return null;
    }
    return this.show(raw);
  }

  /** Signed in: the links that came before are shown now. */
  async resume(): Promise<void> {
    const links = this.deferred;
    this.deferred = [];
    for (const raw of links) await this.show(raw);
  }

  private async show(raw: string): Promise<ConsentPrompt> {
    const entry = await this.review(raw);
    this.waiting.set(entry.prompt.id, entry);
    while (this.waiting.size > MAX_WAITING) this.waiting.delete(this.waiting.keys().next().value!);
    this.options.emit('consent:requested', entry.prompt);
    return entry.prompt;
  }

  /** Prompts not answered yet, oldest first (a window that opens late asks for them). */
  list(): ConsentPrompt[] {
    return [...this.waiting.values()].map((entry) => entry.prompt);
  }

  /**
   * The person's answer. Allow records the consent at the engine and sends the browser to the
   * application with the request id; deny sends it there with error=access_denied. A refused
   * prompt only closes: its link may not come from the application at all.
   */
  async answer(id: string, allow: boolean): Promise<ConsentOutcome> {
    const entry = this.waiting.get(id);
    if (!entry)
      throw new PrivicoreError({
        status: 0,
        reason: 'consent.not_found',
        message: 'This request was already answered or is no longer waiting.',
      });
    this.waiting.delete(id);
    const { link } = entry;
    if (entry.prompt.state !== 'ready' || !link) return { outcome: 'closed', opened: null };
    // Checked when the prompt was made; checked again right before the browser is sent there.
    if (!isOpenableRedirect(link.redirectUri))
      throw new PrivicoreError({
        status: 0,
        reason: 'consent.redirect_refused',
        message: `${link.redirectUri} is not an address this app opens.`,
      });
    if (!allow) {
      const opened = redirectAfter(link.redirectUri, { denied: true, nonce: link.nonce });
      await this.options.platform.openExternal(opened);
      return { outcome: 'denied', opened };
    }
    const session = this.options.session();
    if (!session) {
      this.waiting.set(id, entry);
      throw new PrivicoreError({
        status: 401,
        reason: 'auth.missing_token',
        message: 'You are signed out. Sign in again, then give access.',
      });
    }
    try {
      const requestId = await giveConsent(session, link);
      const opened = redirectAfter(link.redirectUri, { requestId, nonce: link.nonce });
      await this.options.platform.openExternal(opened);
      return { outcome: 'allowed', opened };
    } catch (error) {
      // Nothing was given (a nonce used before, the application removed meanwhile): the prompt
      // stays, so the person can still deny and the application hears the answer.
      this.waiting.set(id, entry);
      throw error;
    }
  }

  /** Signed out: what the last person was asked waits no more. */
  clear(): void {
    this.waiting.clear();
  }

  private async review(raw: string): Promise<Waiting> {
    const base = { id: randomUUID(), receivedAt: new Date().toISOString() };
    const refused = (message: string, application: ConsentPrompt['application'] = null) => ({
      prompt: { ...base, state: 'refused' as const, message, application, scopes: [] },
      link: null,
    });
    let parsed: ConsentLink;
    try {
      parsed = parseConsentLink(raw);
    } catch (error) {
      if (error instanceof ConsentLinkError) return refused(error.message);
      throw error;
    }
    const session = this.options.session();
    if (!session)
      return refused('Sign in to Privicore Vault, then open the link from the application again.');
    let review;
    try {
      review = await reviewConsent(session, parsed, { opensRedirect: true });
    } catch (error) {
      return refused(
        `The engine could not be asked who this application is (${(error as Error).message}). Nothing was shared.`,
      );
    }
    const application = review.application && {
      clientId: review.application.clientId,
      name: review.application.name,
      redirectUri: review.application.redirectUri,
      createdAt: review.application.createdAt,
    };
    if (review.state === 'refused') return refused(review.message, application);
    return {
      prompt: {
        ...base,
        state: 'ready',
        message: null,
        application,
        scopes: scopeWords(review.scopes.map((s) => s.scope)),
      },
      link: review.link,
    };
  }
}
