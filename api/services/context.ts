/**
 * What services need, built once per API process.
 */
import type { PrismaClient } from '@prisma/client';
import type { Client } from '@temporalio/client';
import type { TPolicy } from '../../workflows/policy';
import type { TaskLinkOptions } from '../links/link-token';

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
}
