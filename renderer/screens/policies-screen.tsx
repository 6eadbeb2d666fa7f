import { useEffect, useState, type FormEvent } from 'react';
import { LIMITS } from '../../bridge/field-rules.ts';
import type { PoliciesOverview } from '../../bridge/types.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { Icon } from '../components/icons.tsx';
import { PageLayout } from '../components/page-layout.tsx';
import { Spinner } from '../components/spinner.tsx';
import type { PlainError } from '../model/describe-error.ts';
import { policySentence } from '../model/voting-words.ts';
import { governanceSelectors, useAppStore } from '../store/index.ts';

/** A policy from a template: which events, where (for data), decided by which rule. */
function NewPolicyForm({ overview }: { overview: PoliciesOverview }) {
  const createPolicy = useAppStore((s) => s.createPolicy);
  const [templateId, setTemplateId] = useState(overview.templates.at(-1)?.id ?? '');
  const template = overview.templates.find((t) => t.id === templateId);
  const [events, setEvents] = useState<string[]>(
    () => template?.events.slice(0, 1).map((e) => e.id) ?? [],
  );
  const [prefix, setPrefix] = useState('');
  const [configuration, setConfiguration] = useState('');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<PlainError | null>(null);
  const takesPrefix = template?.configuration.includes('contextPrefix') ?? false;

  const chooseTemplate = (id: string) => {
    setTemplateId(id);
    setEvents(
      overview.templates
        .find((t) => t.id === id)
        ?.events.slice(0, 1)
        .map((e) => e.id) ?? [],
    );
    setPrefix('');
  };

  const preview = template
    ? policySentence(
        {
          policyId: '',
          name,
          templateId,
          eventIds: events,
          contextPrefix: takesPrefix && prefix ? prefix : null,
          votingConfigurationId: configuration || null,
          active: true,
          createdAt: '',
        },
        template,
        overview.configurations.find((c) => c.votingConfigurationId === configuration)?.name ??
          null,
      )
    : '';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (events.length === 0) {
      setError({ message: 'Choose at least one operation.', reason: null });
      return;
    }
    setBusy(true);
    const failure = await createPolicy({
      policyTemplateId: templateId,
      applyingEventIds: events,
      ...(name.trim() ? { name: name.trim() } : {}),
      ...(takesPrefix && prefix ? { contextPrefix: prefix } : {}),
      ...(configuration ? { votingConfigurationId: configuration } : {}),
      activate: true,
    });
    setBusy(false);
    setError(failure);
    if (!failure) {
      setName('');
      setPrefix('');
    }
  };

  return (
    <section className="card" aria-labelledby="new-policy-title" data-testid="new-policy">
      <h2 id="new-policy-title" className="card-title">
        <Icon name="plus" size={16} />
        New policy
      </h2>
      <form className="grid-form" onSubmit={(event) => void submit(event)}>
        <div className="field">
          <label htmlFor="policy-template">Kind of operation</label>
          <select
            id="policy-template"
            className="input select"
            value={templateId}
            onChange={(event) => chooseTemplate(event.target.value)}
          >
            {overview.templates.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
          {template ? <span className="field-hint">{template.description}</span> : null}
        </div>
        {template ? (
          <fieldset className="field checkbox-group">
            <legend className="section-label">Hold these for a vote</legend>
            {template.events.map((e) => (
              <label key={e.id} className="checkbox">
                <input
                  type="checkbox"
                  checked={events.includes(e.id)}
                  onChange={(change) =>
                    setEvents((current) =>
                      change.target.checked
                        ? [...current, e.id]
                        : current.filter((id) => id !== e.id),
                    )
                  }
                />
                {e.label}
              </label>
            ))}
          </fieldset>
        ) : null}
        {takesPrefix ? (
          <div className="field">
            <label htmlFor="policy-prefix">Only in folders starting with</label>
            <input
              id="policy-prefix"
              className="input"
              placeholder="/finance (empty: every folder)"
              value={prefix}
              maxLength={LIMITS.contextMax}
              onChange={(event) => setPrefix(event.target.value)}
            />
          </div>
        ) : null}
        <div className="field">
          <label htmlFor="policy-configuration">Decided by</label>
          <select
            id="policy-configuration"
            className="input select"
            value={configuration}
            onChange={(event) => setConfiguration(event.target.value)}
          >
            <option value="">The voting defaults</option>
            {overview.configurations.map((c) => (
              <option key={c.votingConfigurationId} value={c.votingConfigurationId}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="policy-name">Name (optional)</label>
          <input
            id="policy-name"
            className="input"
            value={name}
            maxLength={LIMITS.governanceNameMax}
            onChange={(event) => setName(event.target.value)}
          />
        </div>
        <p className="policy-preview" data-testid="policy-preview">
          {preview}.
        </p>
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy || !template}>
            {busy ? <Spinner size={12} /> : <Icon name="check" size={14} />}
            Create and turn on
          </button>
        </div>
      </form>
      {error ? (
        <p className="field-error" role="alert">
          {error.message}
        </p>
      ) : null}
    </section>
  );
}

function PolicyList({ overview }: { overview: PoliciesOverview }) {
  const setPolicyActive = useAppStore((s) => s.setPolicyActive);
  const deletePolicy = useAppStore((s) => s.deletePolicy);
  const [error, setError] = useState<PlainError | null>(null);
  if (overview.policies.length === 0)
    return (
      <p className="muted quiet-note" data-testid="no-policies">
        No policy yet: nothing waits for a vote.
      </p>
    );
  return (
    <section className="card" aria-labelledby="policies-title">
      <h2 id="policies-title" className="card-title">
        Your policies
      </h2>
      <ul className="policy-list">
        {overview.policies.map((policy) => {
          const template = overview.templates.find((t) => t.id === policy.templateId);
          const configuration =
            overview.configurations.find(
              (c) => c.votingConfigurationId === policy.votingConfigurationId,
            )?.name ?? null;
          return (
            <li
              key={policy.policyId}
              className="policy-row"
              data-testid="policy-row"
              data-active={policy.active}
            >
              <div className="policy-text">
                <strong>{policy.name}</strong>
                <span>{policySentence(policy, template, configuration)}.</span>
              </div>
              <span className={`chip ${policy.active ? 'chip-on' : ''}`}>
                {policy.active ? 'On' : 'Off'}
              </span>
              <div className="row-buttons">
                <button
                  type="button"
                  className="button button-small"
                  onClick={() =>
                    void setPolicyActive(policy.policyId, !policy.active).then(setError)
                  }
                >
                  {policy.active ? 'Turn off' : 'Turn on'}
                </button>
                <button
                  type="button"
                  className="button button-small button-danger-quiet"
                  onClick={() => void deletePolicy(policy.policyId).then(setError)}
                  aria-description={`Delete ${policy.name}; votes already open go on`}
                >
                  Delete
                </button>
              </div>
            </li>
          );
        })}
      </ul>
      {error ? (
        <p className="field-error" role="alert">
          {error.message}
        </p>
      ) : null}
    </section>
  );
}

/** What waits for a vote: the policies, made from the templates the engine offers. */
export function PoliciesScreen() {
  const overview = useAppStore(governanceSelectors.policies);
  const status = useAppStore(governanceSelectors.policiesStatus);
  const error = useAppStore(governanceSelectors.policiesError);
  const loadPolicies = useAppStore((s) => s.loadPolicies);

  useEffect(() => {
    void loadPolicies();
  }, [loadPolicies]);

  return (
    <PageLayout screen="policies" title="Policies" testId="policies-screen">
      <p className="page-intro muted">
        A policy holds an operation until the devices that vote approve it: an upload into a folder,
        a download, a new device, a password change.
      </p>
      {status === 'error' && error ? (
        <ErrorBanner
          title="Couldn't load your policies."
          message={error.message}
          onRetry={() => void loadPolicies()}
        />
      ) : null}
      {status === 'loading' && !overview ? (
        <p className="muted">
          <Spinner size={12} /> Loading…
        </p>
      ) : null}
      {overview ? (
        <>
          <PolicyList overview={overview} />
          <NewPolicyForm overview={overview} />
          <section className="card" aria-labelledby="templates-title">
            <h2 id="templates-title" className="card-title">
              What a policy can hold
            </h2>
            <ul className="template-list">
              {overview.templates.map((t) => (
                <li key={t.id}>
                  <strong>{t.name}</strong> — {t.description}{' '}
                  <span className="muted">({t.events.map((e) => e.label).join(', ')})</span>
                </li>
              ))}
            </ul>
          </section>
        </>
      ) : null}
    </PageLayout>
  );
}
