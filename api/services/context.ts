/**
 * What services need, built once per API process.
 */
import type { PrismaClient } from '@prisma/client';
import type { Client } from '@temporalio/client';
import type { TPolicy } from '../../workflows/policy';
import type { TaskLinkOptions } from '../links/link-token';
import type { PersonalDataCipher } from '../../runtime/personal-data';
import type { AuthThrottleOptions } from '../http/auth-throttle';
import { personalDataCipher } from '../../runtime/personal-data';

/** Dependencies of the API services. */
export interface ServiceContext {
  prisma: PrismaClient;
  temporal: Client;
  taskQueue: string;
  /** Policy pinned into every new case. */
  policy: TPolicy;
  /** Server secret: household keys (HMAC of ID numbers) and task-link signatures. */
  secret: string;
  /** Base URL of the Temporal Web UI, for links from case pages. */
  temporalUiUrl?: string;
  namespace: string;
  /** Continue-as-new threshold passed to new workflows (tests lower it). */
  maxHistoryEvents?: number;
  /** Task-link keys and lifetimes. @default a key derived from {@link secret}, 7 days' grace */
  taskLinks?: TaskLinkOptions;
  /** Seals personal data at rest. @default a cipher with the key derived from {@link secret} */
  personalData?: PersonalDataCipher;
  /** The intake dispatcher of this process (线索分派), woken after an import stored leads; none: another process starts them. */
  intake?: { kick(): void };
  /** Throttle of failed sign-ins and unknown bearer tokens per address. @default 30 per 15 minutes */
  authThrottle?: AuthThrottleOptions;
}

const derived = new Map<string, PersonalDataCipher>();

/** The context's personal-data cipher (个人信息加密), or the one derived from its secret. */
export function cipherOf(ctx: Pick<ServiceContext, 'personalData' | 'secret'>): PersonalDataCipher {
  if (ctx.personalData) return ctx.personalData;
  let c = derived.get(ctx.secret);
  if (!c) {
    c = personalDataCipher({ secret: ctx.secret });
    derived.set(ctx.secret, c);
  }
  return c;
}
