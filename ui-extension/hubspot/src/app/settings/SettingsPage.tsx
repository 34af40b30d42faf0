import {
  Alert,
  Button,
  Divider,
  ErrorState,
  Flex,
  Heading,
  Link,
  LoadingSpinner,
  NumberInput,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
  Tile,
} from '@hubspot/ui-extensions';
import React from 'react';
import { type ApiFailure, adviceFor, apiUrl, type Caller, callApi, type Fetcher } from '../cards/lib/api.ts';
import { API_ORIGIN, SETTINGS_TITLE } from '../cards/lib/project-config.ts';
import {
  type AuditEntry,
  changeText,
  checkDraft,
  type DraftField,
  draftOf,
  type FieldKey,
  fieldKey,
  fieldOfProblem,
  outcomeText,
  parseAudit,
  parsePreview,
  parseSettingsVersion,
  previewRequest,
  type SegmentDraft,
  type SegmentPreview,
  SettingsAnswerError,
  type SettingsVersion,
  settingsToSave,
} from './lib/settings-form.ts';

/** What the page reads of HubSpot's extension context (settings). */
export interface SettingsPageContext {
  portal: { id: number };
  user: { id: number };
}

export interface SettingsPageProps {
  context: SettingsPageContext;
  fetcher: Fetcher;
  /** Quiet time after an edit before the preview is asked for. */
  previewDelayMs?: number;
}

type Loaded = { version: SettingsVersion; draft: SegmentDraft[] };
type LoadState =
  | { status: 'loading' }
  | { status: 'failed'; failure: ApiFailure }
  | ({ status: 'ready' } & Loaded);
type SaveState =
  | { status: 'idle' }
  | { status: 'saving' }
  | { status: 'saved'; version: number; rescoringQueued: boolean }
  | { status: 'failed'; failure: ApiFailure };
type PreviewState =
  | { status: 'idle' }
  | { status: 'ready'; previews: Map<string, SegmentPreview> }
  | { status: 'failed'; failure: ApiFailure };

function unexpected(error: unknown): ApiFailure {
  return {
    kind: 'unexpected',
    status: null,
    code: null,
    message: error instanceof Error ? error.message : String(error),
    requestId: null,
    problems: [],
  };
}

/** Parses an answer; a malformed one becomes a failure the page shows. */
function parsed<T>(
  parse: (value: unknown) => T,
  value: unknown,
): { ok: true; value: T } | { ok: false; failure: ApiFailure } {
  try {
    return { ok: true, value: parse(value) };
  } catch (error) {
    if (error instanceof SettingsAnswerError) return { ok: false, failure: unexpected(error) };
    throw error;
  }
}

const FIELD_LABELS: Record<DraftField, string> = {
  hotThreshold: 'Hot threshold for',
  warmThreshold: 'Warm threshold for',
  holdoutPercent: 'Holdout share (%) for',
};

function SegmentEditor({
  segment,
  messages,
  preview,
  onChange,
}: {
  segment: SegmentDraft;
  messages: ReadonlyMap<FieldKey, string>;
  preview: SegmentPreview | undefined;
  onChange: (field: DraftField, value: number | undefined) => void;
}) {
  const input = (
    field: DraftField,
    extra: { min: number; max: number; precision: number; description: string },
  ) => {
    const message = messages.get(fieldKey(segment.id, field));
    return (
      <NumberInput
        label={`${FIELD_LABELS[field]} ${segment.name}`}
        name={fieldKey(segment.id, field)}
        value={segment[field]}
        min={extra.min}
        max={extra.max}
        precision={extra.precision}
        description={extra.description}
        error={message !== undefined}
        validationMessage={message}
        onChange={(value) => onChange(field, Number.isFinite(value) ? value : undefined)}
      />
    );
  };
  const lines: string[] = [];
  if (preview?.hot) lines.push(outcomeText('Hot', preview.hot));
  if (preview?.warm) lines.push(outcomeText('Warm', preview.warm));
  if (preview?.note) lines.push(`No preview: ${preview.note}`);
  return (
    <Tile>
      <Flex direction="column" gap="small">
        <Heading>{segment.name}</Heading>
        <Flex direction="row" gap="medium" wrap="wrap">
          {input('hotThreshold', {
            min: 0,
            max: 100,
            precision: 0,
            description: 'Score at or above which a lead is hot',
          })}
          {input('warmThreshold', {
            min: 0,
            max: 100,
            precision: 0,
            description: 'Score at or above which a lead is warm',
          })}
          {input('holdoutPercent', {
            min: 0,
            max: 50,
            precision: 1,
            description: 'Leads routed without the score, to measure lift',
          })}
        </Flex>
        <Flex direction="column" gap="extra-small" testId={`preview-${segment.id}`}>
          {lines.length === 0 ? (
            <Text variant="microcopy">The preview appears when both thresholds are valid.</Text>
          ) : (
            lines.map((line) => <Text key={line}>{line}</Text>)
          )}
        </Flex>
      </Flex>
    </Tile>
  );
}

function AuditTrail({
  entries,
  names,
}: {
  entries: readonly AuditEntry[];
  names: ReadonlyMap<string, string>;
}) {
  if (entries.length === 0) return <Text>No one has changed the settings yet.</Text>;
  return (
    <Table testId="audit-trail" bordered={true}>
      <TableHead>
        <TableRow>
          <TableHeader>Version</TableHeader>
          <TableHeader>When</TableHeader>
          <TableHeader>Who (HubSpot user id)</TableHeader>
          <TableHeader>Changes</TableHeader>
        </TableRow>
      </TableHead>
      <TableBody>
        {entries.map((entry) => (
          <TableRow key={entry.version}>
            <TableCell>{String(entry.version)}</TableCell>
            <TableCell>{entry.at.replace('T', ' ').slice(0, 16)} UTC</TableCell>
            <TableCell>{entry.userId}</TableCell>
            <TableCell>
              {entry.changes.length === 0
                ? 'no field changed'
                : entry.changes.map((change) => changeText(change, names)).join('; ')}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function FailureAlert({ title, failure }: { title: string; failure: ApiFailure }) {
  const problems = failure.problems.map((problem) => problem.message);
  return (
    <Alert title={title} variant="error">
      {[
        failure.message,
        ...problems.filter((problem) => !failure.message.includes(problem)),
        adviceFor(failure),
      ]
        .concat(failure.requestId === null ? [] : [`Request id ${failure.requestId}`])
        .join(' ')}
    </Alert>
  );
}

/** LeadScore's settings page in HubSpot: thresholds and holdout per segment, with preview and audit. */
export function SettingsPage({ context, fetcher, previewDelayMs = 400 }: SettingsPageProps) {
  const portalId = context.portal.id;
  const userId = context.user.id;
  const caller: Caller = React.useMemo(() => ({ portalId, userId }), [portalId, userId]);
  const [load, setLoad] = React.useState<LoadState>({ status: 'loading' });
  const [audit, setAudit] = React.useState<{ entries: AuditEntry[] } | { failure: ApiFailure } | undefined>();
  const [save, setSave] = React.useState<SaveState>({ status: 'idle' });
  const [serverMessages, setServerMessages] = React.useState<Map<FieldKey, string>>(new Map());
  const [preview, setPreview] = React.useState<PreviewState>({ status: 'idle' });
  const [healthUrl, setHealthUrl] = React.useState<string | null | undefined>();
  const latestPreview = React.useRef(0);

  const loadAudit = React.useCallback(async () => {
    const result = await callApi(fetcher, apiUrl('/settings/audit', caller));
    if (!result.ok) return setAudit({ failure: result.failure });
    const entries = parsed(parseAudit, result.value);
    setAudit(entries.ok ? { entries: entries.value } : { failure: entries.failure });
  }, [fetcher, caller]);

  const latestLoad = React.useRef(0);
  const loadSettings = React.useCallback(() => {
    latestLoad.current += 1;
    const request = latestLoad.current;
    const settle = (next: LoadState) => {
      if (request === latestLoad.current) setLoad(next);
    };
    setLoad({ status: 'loading' });
    setSave({ status: 'idle' });
    setServerMessages(new Map());
    callApi(fetcher, apiUrl('/settings', caller))
      .then((result) => {
        if (!result.ok) return settle({ status: 'failed', failure: result.failure });
        const version = parsed(parseSettingsVersion, result.value);
        if (!version.ok) return settle({ status: 'failed', failure: version.failure });
        settle({ status: 'ready', version: version.value, draft: draftOf(version.value) });
      })
      .catch((error: unknown) => settle({ status: 'failed', failure: unexpected(error) }));
    loadAudit().catch((error: unknown) => {
      if (request === latestLoad.current) setAudit({ failure: unexpected(error) });
    });
  }, [fetcher, caller, loadAudit]);

  React.useEffect(() => {
    loadSettings();
    return () => {
      latestLoad.current += 1;
    };
  }, [loadSettings]);

  React.useEffect(() => {
    let current = true;
    // The model-health view opens in a new tab with a 15-minute session from a signed exchange.
    callApi(fetcher, apiUrl('/auth/hubspot/session', caller, {}, { fromOrigin: true }), 'POST')
      .then((result) => {
        if (!current) return;
        const token =
          result.ok && typeof result.value === 'object' && result.value !== null && 'token' in result.value
            ? result.value.token
            : undefined;
        setHealthUrl(typeof token === 'string' ? `${API_ORIGIN}/panel/?view=health#session=${token}` : null);
      })
      .catch(() => {
        if (current) setHealthUrl(null);
      });
    return () => {
      current = false;
    };
  }, [fetcher, caller]);

  const draft = load.status === 'ready' ? load.draft : undefined;
  const request = draft === undefined ? undefined : previewRequest(draft);
  const requestJson = request === undefined ? undefined : JSON.stringify(request);
  // The effect runs when the thresholds change (their JSON), not on every edit of another field.
  const requestRef = React.useRef(request);
  requestRef.current = request;

  React.useEffect(() => {
    if (requestJson === undefined) return;
    latestPreview.current += 1;
    const ask = latestPreview.current;
    const timer = setTimeout(() => {
      const body = requestRef.current;
      if (body === undefined) return;
      callApi(fetcher, apiUrl('/settings/preview', caller), 'POST', body)
        .then((result) => {
          if (ask !== latestPreview.current) return;
          if (!result.ok) return setPreview({ status: 'failed', failure: result.failure });
          const previews = parsed(parsePreview, result.value);
          setPreview(
            previews.ok
              ? { status: 'ready', previews: previews.value }
              : { status: 'failed', failure: previews.failure },
          );
        })
        .catch((error: unknown) => {
          if (ask === latestPreview.current) setPreview({ status: 'failed', failure: unexpected(error) });
        });
    }, previewDelayMs);
    return () => clearTimeout(timer);
  }, [fetcher, caller, requestJson, previewDelayMs]);

  if (load.status === 'loading')
    return <LoadingSpinner label="Loading the LeadScore settings" layout="centered" />;
  if (load.status === 'failed')
    return (
      <ErrorState
        title="The LeadScore settings could not be loaded"
        type={load.failure.kind === 'forbidden' ? 'lock' : 'error'}
      >
        <Text>{load.failure.message}</Text>
        <Text>{adviceFor(load.failure)}</Text>
        <Button onClick={loadSettings} variant="secondary">
          Try again
        </Button>
      </ErrorState>
    );

  const local = checkDraft(load.draft);
  const messages = new Map<FieldKey, string>([...serverMessages, ...local]);
  const names = new Map(load.draft.map((segment) => [segment.id, segment.name]));

  const edit = (segmentId: string, field: DraftField, value: number | undefined) => {
    // Functional updates: several edits before a render all land.
    setLoad((previous) =>
      previous.status !== 'ready'
        ? previous
        : {
            ...previous,
            draft: previous.draft.map((segment) =>
              segment.id === segmentId ? { ...segment, [field]: value } : segment,
            ),
          },
    );
    const key = fieldKey(segmentId, field);
    setServerMessages((previous) =>
      previous.has(key) ? new Map([...previous].filter(([name]) => name !== key)) : previous,
    );
    setSave((previous) => (previous.status === 'saved' ? { status: 'idle' } : previous));
  };

  const submit = async () => {
    if (local.size > 0) return;
    setSave({ status: 'saving' });
    const body = {
      expectedVersion: load.version.version,
      settings: settingsToSave(load.version, load.draft),
    };
    const result = await callApi(fetcher, apiUrl('/settings', caller), 'PUT', body);
    if (!result.ok) {
      const byField = new Map<FieldKey, string>();
      for (const problem of result.failure.problems) {
        const key = fieldOfProblem(problem.field);
        if (key !== undefined) byField.set(key, problem.message);
      }
      setServerMessages(byField);
      setSave({ status: 'failed', failure: result.failure });
      return;
    }
    const saved = parsed(parseSettingsVersion, result.value);
    if (!saved.ok) return setSave({ status: 'failed', failure: saved.failure });
    const rescoringQueued =
      typeof result.value === 'object' && result.value !== null && 'rescoringQueued' in result.value
        ? result.value.rescoringQueued === true
        : false;
    setLoad({ status: 'ready', version: saved.value, draft: draftOf(saved.value) });
    setServerMessages(new Map());
    setSave({ status: 'saved', version: saved.value.version, rescoringQueued });
    await loadAudit();
  };

  const previews = preview.status === 'ready' ? preview.previews : new Map<string, SegmentPreview>();
  return (
    <Flex direction="column" gap="medium">
      <Heading>{SETTINGS_TITLE}</Heading>
      <Text>
        A lead is hot at or above its segment's hot threshold and warm at or above the warm threshold. The
        preview shows what each threshold would have done on the newest test window of the model that serves
        the segment.
      </Text>
      {save.status === 'saved' ? (
        <Alert title="Saved" variant="success">
          {`Settings version ${save.version} saved.${save.rescoringQueued ? ' LeadScore is rescoring contacts with the new thresholds.' : ''}`}
        </Alert>
      ) : null}
      {save.status === 'failed' ? (
        <Flex direction="column" gap="small">
          <FailureAlert
            title={
              save.failure.kind === 'forbidden'
                ? 'Only LeadScore admins can change the settings'
                : save.failure.kind === 'conflict'
                  ? 'The settings changed since you opened them'
                  : 'The settings were not saved'
            }
            failure={save.failure}
          />
          {save.failure.kind === 'conflict' ? (
            <Button onClick={loadSettings} variant="secondary">
              Reload the settings
            </Button>
          ) : null}
        </Flex>
      ) : null}
      {preview.status === 'failed' ? (
        <FailureAlert title="The preview is not available" failure={preview.failure} />
      ) : null}
      {load.draft.map((segment) => (
        <SegmentEditor
          key={segment.id}
          segment={segment}
          messages={messages}
          preview={previews.get(segment.id)}
          onChange={(field, value) => edit(segment.id, field, value)}
        />
      ))}
      <Flex direction="row" gap="small" align="center">
        <Button
          variant="primary"
          onClick={() => submit()}
          disabled={save.status === 'saving' || local.size > 0}
        >
          Save settings
        </Button>
        {local.size > 0 ? <Text variant="microcopy">Correct the fields marked above to save.</Text> : null}
        {save.status === 'saving' ? <LoadingSpinner label="Saving" size="sm" /> : null}
      </Flex>
      <Divider />
      <Heading>Audit trail</Heading>
      {audit === undefined ? (
        <LoadingSpinner label="Loading the audit trail" size="sm" />
      ) : 'failure' in audit ? (
        <FailureAlert title="The audit trail could not be loaded" failure={audit.failure} />
      ) : (
        <AuditTrail entries={audit.entries} names={names} />
      )}
      <Divider />
      <Heading>Model health</Heading>
      {healthUrl === undefined ? (
        <LoadingSpinner label="Preparing the model health link" size="sm" />
      ) : healthUrl === null ? (
        <Text>Model health could not be opened from here: reload the page to try again.</Text>
      ) : (
        <Link href={{ url: healthUrl, external: true }}>
          Open model health (versions, metrics, retrain and rollback)
        </Link>
      )}
    </Flex>
  );
}
