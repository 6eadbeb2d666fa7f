import { useEffect, useState, type FormEvent } from 'react';
import { LIMITS } from '../../bridge/field-rules.ts';
import type { VotingDefaultsInfo, VotingOverview, VotingStrategy } from '../../bridge/types.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { Icon } from '../components/icons.tsx';
import { PageLayout } from '../components/page-layout.tsx';
import { Spinner } from '../components/spinner.tsx';
import type { PlainError } from '../model/describe-error.ts';
import { formatDate } from '../model/format-date.ts';
import { durationWords, STRATEGY_CHOICES, strategyWords } from '../model/voting-words.ts';
import { governanceSelectors, useAppStore } from '../store/index.ts';
import { VoteHereCard } from './approvals-screen.tsx';

function StrategyFields({
  idPrefix,
  strategy,
  percentage,
  onStrategy,
  onPercentage,
}: {
  idPrefix: string;
  strategy: VotingStrategy;
  percentage: string;
  onStrategy(value: VotingStrategy): void;
  onPercentage(value: string): void;
}) {
  return (
    <>
      <div className="field">
        <label htmlFor={`${idPrefix}-strategy`}>How votes decide</label>
        <select
          id={`${idPrefix}-strategy`}
          className="input select"
          value={strategy}
          onChange={(event) => onStrategy(event.target.value as VotingStrategy)}
        >
          {STRATEGY_CHOICES.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
      </div>
      {strategy === 'minimum_percentage' ? (
        <div className="field">
          <label htmlFor={`${idPrefix}-percentage`}>Share of yes votes (%)</label>
          <input
            id={`${idPrefix}-percentage`}
            className="input"
            type="number"
            min={1}
            max={LIMITS.percentageMax}
            value={percentage}
            onChange={(event) => onPercentage(event.target.value)}
          />
        </div>
      ) : null}
    </>
  );
}

function AuthenticatorsCard({ overview }: { overview: VotingOverview }) {
  const add = useAppStore((s) => s.addAuthenticator);
  const remove = useAppStore((s) => s.removeAuthenticator);
  const [candidate, setCandidate] = useState('');
  const [error, setError] = useState<PlainError | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const run = async (id: string, work: () => Promise<PlainError | null>) => {
    setBusy(id);
    setError(await work());
    setBusy(null);
  };
  return (
    <section className="card" aria-labelledby="authenticators-title" data-testid="authenticators">
      <h2 id="authenticators-title" className="card-title">
        Devices that vote
        <span className="count-pill">{overview.authenticators.length}</span>
      </h2>
      {overview.authenticators.length === 0 ? (
        <p className="muted card-intro">
          No device votes yet. A policy needs at least as many as its quorum.
        </p>
      ) : (
        <div className="table-scroll">
          <table className="data-table" aria-labelledby="authenticators-title">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Connection</th>
                <th scope="col">Votes since</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {overview.authenticators.map((a) => (
                <tr key={a.deviceIdentifier} data-testid="authenticator-row">
                  <td>
                    <span className="device-cell-name">
                      <Icon name="computer" className="device-icon" />
                      <span className="device-name-text">{a.name}</span>
                      {a.isThisComputer ? (
                        <span className="chip chip-this">This computer</span>
                      ) : null}
                    </span>
                  </td>
                  <td className="muted">
                    {a.online
                      ? 'Online'
                      : a.lastSeenAt
                        ? `Last seen ${formatDate(a.lastSeenAt)}`
                        : 'Never connected'}
                  </td>
                  <td className="muted">{formatDate(a.registeredAt, { withTime: false })}</td>
                  <td className="cell-actions">
                    <button
                      type="button"
                      className="button button-small button-danger-quiet"
                      disabled={busy !== null}
                      onClick={() => void run(a.deviceIdentifier, () => remove(a.deviceIdentifier))}
                      aria-description={`${a.name} stops voting; its open ballots are withdrawn`}
                    >
                      Stop voting
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {overview.candidates.length > 0 ? (
        <form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            if (candidate) void run('add', () => add(candidate));
          }}
        >
          <div className="field">
            <label htmlFor="add-authenticator">Let another device vote</label>
            <select
              id="add-authenticator"
              className="input select"
              value={candidate}
              onChange={(event) => setCandidate(event.target.value)}
            >
              <option value="">Choose a device…</option>
              {overview.candidates.map((device) => (
                <option key={device.deviceIdentifier} value={device.deviceIdentifier}>
                  {device.name}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button" disabled={!candidate || busy !== null}>
            {busy === 'add' ? <Spinner size={12} /> : <Icon name="plus" size={14} />}
            Add
          </button>
        </form>
      ) : null}
      {error ? (
        <p className="field-error" role="alert">
          {error.message}
        </p>
      ) : null}
    </section>
  );
}

function DefaultsCard({ defaults }: { defaults: VotingDefaultsInfo }) {
  const save = useAppStore((s) => s.saveDefaults);
  const [strategy, setStrategy] = useState(defaults.strategy);
  const [percentage, setPercentage] = useState(String(defaults.percentageRequired ?? 66));
  const [quorum, setQuorum] = useState(String(defaults.quorumSize));
  const [minutes, setMinutes] = useState(String(Math.max(1, Math.round(defaults.timeLimit / 60))));
  const [rounds, setRounds] = useState(String(defaults.maxAttempts));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<PlainError | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(
      await save({
        strategy,
        ...(strategy === 'minimum_percentage' ? { percentageRequired: Number(percentage) } : {}),
        quorumSize: Number(quorum),
        timeLimit: Number(minutes) * 60,
        maxAttempts: Number(rounds),
      }),
    );
    setBusy(false);
  };

  return (
    <section className="card" aria-labelledby="defaults-title" data-testid="voting-defaults">
      <h2 id="defaults-title" className="card-title">
        Voting defaults
      </h2>
      <p className="card-intro muted">
        Now: {strategyWords(defaults.strategy, defaults.percentageRequired)}; at least{' '}
        {defaults.quorumSize} {defaults.quorumSize === 1 ? 'vote' : 'votes'} cast;{' '}
        {durationWords(defaults.timeLimit)} per round; {defaults.maxAttempts}{' '}
        {defaults.maxAttempts === 1 ? 'round' : 'rounds'}. The quorum and rounds apply to every
        vote; the rest to policies without a voting configuration.
      </p>
      <form className="grid-form" onSubmit={(event) => void submit(event)}>
        <StrategyFields
          idPrefix="defaults"
          strategy={strategy}
          percentage={percentage}
          onStrategy={setStrategy}
          onPercentage={setPercentage}
        />
        <div className="field">
          <label htmlFor="defaults-quorum">Votes needed to count (quorum)</label>
          <input
            id="defaults-quorum"
            className="input"
            type="number"
            min={1}
            max={LIMITS.quorumMax}
            value={quorum}
            onChange={(event) => setQuorum(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="defaults-minutes">Minutes per round</label>
          <input
            id="defaults-minutes"
            className="input"
            type="number"
            min={1}
            max={LIMITS.timeLimitMaxSeconds / 60}
            value={minutes}
            onChange={(event) => setMinutes(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="defaults-rounds">Rounds without quorum before it expires</label>
          <input
            id="defaults-rounds"
            className="input"
            type="number"
            min={1}
            max={LIMITS.maxAttemptsMax}
            value={rounds}
            onChange={(event) => setRounds(event.target.value)}
          />
        </div>
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? <Spinner size={12} /> : null}
            Save defaults
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

function ConfigurationsCard({ overview }: { overview: VotingOverview }) {
  const saveConfiguration = useAppStore((s) => s.saveConfiguration);
  const deleteConfiguration = useAppStore((s) => s.deleteConfiguration);
  const [name, setName] = useState('');
  const [strategy, setStrategy] = useState<VotingStrategy>('minimum_percentage');
  const [percentage, setPercentage] = useState('66');
  const [minutes, setMinutes] = useState('5');
  const [voters, setVoters] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<PlainError | null>(null);
  const nameOf = (id: string) =>
    overview.authenticators.find((a) => a.deviceIdentifier === id)?.name ?? 'removed device';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const failure = await saveConfiguration({
      name: name.trim(),
      strategy,
      ...(strategy === 'minimum_percentage' ? { percentageRequired: Number(percentage) } : {}),
      timeLimit: Number(minutes) * 60,
      deviceIdentifiers: voters,
    });
    setBusy(false);
    setError(failure);
    if (!failure) {
      setName('');
      setVoters([]);
    }
  };

  return (
    <section className="card" aria-labelledby="configurations-title" data-testid="configurations">
      <h2 id="configurations-title" className="card-title">
        Voting configurations
      </h2>
      <p className="card-intro muted">
        A named rule a policy can use instead of the defaults: who votes, how votes decide and how
        long a round lasts.
      </p>
      {overview.configurations.length > 0 ? (
        <ul className="configuration-list">
          {overview.configurations.map((c) => (
            <li
              key={c.votingConfigurationId}
              className="configuration-row"
              data-testid="configuration-row"
            >
              <div>
                <strong>{c.name}</strong>
                <span className="muted">
                  {strategyWords(c.strategy, c.percentageRequired)} · {durationWords(c.timeLimit)}{' '}
                  per round ·{' '}
                  {c.deviceIdentifiers.length === 0
                    ? 'every device that votes'
                    : c.deviceIdentifiers.map(nameOf).join(', ')}
                </span>
              </div>
              <button
                type="button"
                className="button button-small button-danger-quiet"
                onClick={() => void deleteConfiguration(c.votingConfigurationId).then(setError)}
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <form className="grid-form" onSubmit={(event) => void submit(event)}>
        <div className="field">
          <label htmlFor="configuration-name">Name</label>
          <input
            id="configuration-name"
            className="input"
            value={name}
            maxLength={LIMITS.governanceNameMax}
            required
            onChange={(event) => setName(event.target.value)}
          />
        </div>
        <StrategyFields
          idPrefix="configuration"
          strategy={strategy}
          percentage={percentage}
          onStrategy={setStrategy}
          onPercentage={setPercentage}
        />
        <div className="field">
          <label htmlFor="configuration-minutes">Minutes per round</label>
          <input
            id="configuration-minutes"
            className="input"
            type="number"
            min={1}
            max={LIMITS.timeLimitMaxSeconds / 60}
            value={minutes}
            onChange={(event) => setMinutes(event.target.value)}
          />
        </div>
        {overview.authenticators.length > 0 ? (
          <fieldset className="field checkbox-group">
            <legend className="section-label">
              Who votes (none ticked: every device that votes)
            </legend>
            {overview.authenticators.map((a) => (
              <label key={a.deviceIdentifier} className="checkbox">
                <input
                  type="checkbox"
                  checked={voters.includes(a.deviceIdentifier)}
                  onChange={(event) =>
                    setVoters((current) =>
                      event.target.checked
                        ? [...current, a.deviceIdentifier]
                        : current.filter((id) => id !== a.deviceIdentifier),
                    )
                  }
                />
                {a.name}
              </label>
            ))}
          </fieldset>
        ) : null}
        <div className="form-actions">
          <button type="submit" className="button" disabled={busy || name.trim() === ''}>
            {busy ? <Spinner size={12} /> : <Icon name="plus" size={14} />}
            Add configuration
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

/** Who votes and how votes decide: this computer, the other voters, defaults, configurations. */
export function VotingScreen() {
  const overview = useAppStore(governanceSelectors.voting);
  const status = useAppStore(governanceSelectors.votingStatus);
  const error = useAppStore(governanceSelectors.votingError);
  const loadVoting = useAppStore((s) => s.loadVoting);
  const loadApprovals = useAppStore((s) => s.loadApprovals);
  const approvals = useAppStore((s) => s.approvals);

  useEffect(() => {
    void loadVoting();
    void loadApprovals();
  }, [loadVoting, loadApprovals]);
  // The switch on this screen changes who votes.
  useEffect(() => {
    void loadVoting();
  }, [approvals?.enabled, loadVoting]);

  return (
    <PageLayout screen="voting" title="Voting" testId="voting-screen">
      {status === 'error' && error ? (
        <ErrorBanner
          title="Couldn't load the voting settings."
          message={error.message}
          onRetry={() => void loadVoting()}
        />
      ) : null}
      <VoteHereCard />
      {status === 'loading' && !overview ? (
        <p className="muted">
          <Spinner size={12} /> Loading…
        </p>
      ) : null}
      {overview ? (
        <>
          <AuthenticatorsCard overview={overview} />
          <DefaultsCard key={JSON.stringify(overview.defaults)} defaults={overview.defaults} />
          <ConfigurationsCard overview={overview} />
        </>
      ) : null}
    </PageLayout>
  );
}
