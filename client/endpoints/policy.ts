// Contract §11: policies.

import { acceptCommand, type AcceptedCommand } from '../accepted-command.ts';
import type { HttpClient } from '../http.ts';

export interface PolicyTemplate {
  name: string;
  description: string;
  /** Event id → `{ eventId: label }`, as the contract's example nests it. */
  events: Record<string, Record<string, string>>;
  configuration: string[];
  votingAttributes: string[];
}

export interface PolicyRecord {
  id: string;
  policyId: string;
  name: string;
  policyTemplateId: string;
  applyingEventIds: string[];
  configuration: Record<string, string>;
  votingConfigurationId: string | null;
  status: 'active' | 'inactive';
  createdAt: string;
  updatedAt: string;
}

export interface PolicyInput {
  name?: string;
  policyTemplateId: string;
  applyingEventIds: string[];
  configuration?: Record<string, string>;
  /** Id or name. */
  votingConfigurationId?: string;
}

/** A policy named by id or name (the engine matches ids first). */
export type PolicyRef = { policyId: string } | { name: string };

/** GET /policy/list-policy-templates: keyed by template id, in the contract's order. */
export async function listPolicyTemplates(
  http: HttpClient,
): Promise<Record<string, PolicyTemplate>> {
  return (
    await http.request<Record<string, PolicyTemplate>>({
      method: 'GET',
      path: '/policy/list-policy-templates',
    })
  ).data;
}

/** POST /policy/register: the policy starts inactive; status 2 `{policyId}`. */
export async function registerPolicy(
  http: HttpClient,
  input: PolicyInput,
): Promise<AcceptedCommand<{ policyId: string }>> {
  const response = await http.request({ method: 'POST', path: '/policy/register', json: input });
  return acceptCommand(response, async (commandId) => ({ policyId: commandId }));
}

async function list(http: HttpClient, path: string): Promise<PolicyRecord[]> {
  return (await http.request<{ items: PolicyRecord[] }>({ method: 'GET', path })).data.items;
}

export const listActivePolicies = (http: HttpClient) => list(http, '/policy/list-active');
export const listInactivePolicies = (http: HttpClient) => list(http, '/policy/list-inactive');
export const listPolicies = (http: HttpClient) => list(http, '/policy/list');

async function change(http: HttpClient, path: string, ref: PolicyRef) {
  return acceptCommand<void>(await http.request({ method: 'POST', path, form: ref }));
}

export const activatePolicy = (http: HttpClient, ref: PolicyRef) =>
  change(http, '/policy/activate', ref);
export const deactivatePolicy = (http: HttpClient, ref: PolicyRef) =>
  change(http, '/policy/deactivate', ref);
export const deletePolicy = (http: HttpClient, ref: PolicyRef) =>
  change(http, '/policy/delete', ref);

/** GET /policy/retrieve-policy/{nameOrId} */
export async function retrievePolicy(http: HttpClient, nameOrId: string): Promise<PolicyRecord> {
  return (
    await http.request<PolicyRecord>({
      method: 'GET',
      path: `/policy/retrieve-policy/${encodeURIComponent(nameOrId)}`,
    })
  ).data;
}
