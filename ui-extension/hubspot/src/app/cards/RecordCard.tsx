import {
  Alert,
  Button,
  Divider,
  EmptyState,
  ErrorState,
  Flex,
  Heading,
  LineChart,
  LoadingSpinner,
  ScoreCircle,
  Table,
  TableBody,
  TableCell,
  TableFooter,
  TableHead,
  TableHeader,
  TableRow,
  Tag,
  Text,
} from '@hubspot/ui-extensions';
import React from 'react';
import { type ApiFailure, adviceFor, callApi, type Fetcher, recordUrl } from './lib/api.ts';
import {
  ageText,
  checkSum,
  historyRows,
  modelText,
  notices,
  parseRecordAnswer,
  percent,
  type RecordAnswer,
  RecordAnswerError,
  scoreRows,
  segmentText,
  TIER_LABELS,
  TIER_TAG_VARIANTS,
} from './lib/record.ts';

/** What the card reads of HubSpot's extension context (crm.record.tab). */
export interface RecordCardContext {
  portal: { id: number };
  user: { id: number };
  crm: { objectId: number };
}

export interface RecordCardProps {
  context: RecordCardContext;
  fetcher: Fetcher;
  /** Registers a callback for changes of CRM properties of the record (actions.onCrmPropertiesUpdate). */
  onPropertiesUpdate?: (properties: string[], callback: () => void) => void;
  /** The score property the card watches to reload. */
  scoreProperty?: string;
  now?: () => number;
}

type State =
  | { status: 'loading' }
  | { status: 'loaded'; record: RecordAnswer }
  | { status: 'failed'; failure: ApiFailure };

function invalidAnswer(error: RecordAnswerError): ApiFailure {
  return {
    kind: 'unexpected',
    status: 200,
    code: null,
    message: error.message,
    requestId: null,
    problems: [],
  };
}

export async function loadRecord(fetcher: Fetcher, context: RecordCardContext): Promise<State> {
  const url = recordUrl({ portalId: context.portal.id, userId: context.user.id }, context.crm.objectId);
  const result = await callApi(fetcher, url);
  if (!result.ok) return { status: 'failed', failure: result.failure };
  try {
    return { status: 'loaded', record: parseRecordAnswer(result.value) };
  } catch (error) {
    if (error instanceof RecordAnswerError) return { status: 'failed', failure: invalidAnswer(error) };
    throw error;
  }
}

const FAILURE_TITLES: Record<ApiFailure['kind'], string> = {
  'not-scored': 'Not scored yet',
  'not-installed': 'LeadScore is not installed in this account',
  unauthenticated: 'LeadScore could not confirm who you are',
  forbidden: 'LeadScore is not available in this account',
  invalid: 'LeadScore refused the request',
  conflict: 'LeadScore refused the request',
  unavailable: 'LeadScore is busy',
  network: 'LeadScore could not be reached',
  unexpected: 'LeadScore answered something unexpected',
};

function FailureView({ failure, onRetry }: { failure: ApiFailure; onRetry: () => void }) {
  const title = FAILURE_TITLES[failure.kind];
  const retry = (
    <Button onClick={onRetry} variant="secondary">
      Try again
    </Button>
  );
  if (failure.kind === 'not-scored' || failure.kind === 'not-installed') {
    return (
      <EmptyState title={title} imageName="leads" layout="vertical">
        <Text>{adviceFor(failure)}</Text>
        {retry}
      </EmptyState>
    );
  }
  return (
    <ErrorState title={title} type={failure.kind === 'forbidden' ? 'lock' : 'error'}>
      <Text>{failure.message}</Text>
      <Text>{adviceFor(failure)}</Text>
      {failure.requestId === null ? null : <Text variant="microcopy">Request id {failure.requestId}</Text>}
      {retry}
    </ErrorState>
  );
}

function WhyTable({ record }: { record: RecordAnswer }) {
  const rows = scoreRows(record);
  const body = rows.filter((row) => row.kind !== 'total');
  const total = rows[rows.length - 1];
  return (
    <Table bordered={false} testId="why-this-score">
      <TableHead>
        <TableRow>
          <TableHeader>Factor</TableHeader>
          <TableHeader align="right">Points</TableHeader>
        </TableRow>
      </TableHead>
      <TableBody>
        {body.map((row) => (
          <TableRow key={row.key}>
            <TableCell>{row.label}</TableCell>
            <TableCell align="right">{row.pointsText}</TableCell>
          </TableRow>
        ))}
      </TableBody>
      {total === undefined ? null : (
        <TableFooter>
          <TableRow>
            <TableCell>{total.label}</TableCell>
            <TableCell align="right">{total.pointsText}</TableCell>
          </TableRow>
        </TableFooter>
      )}
    </Table>
  );
}

function History({ record }: { record: RecordAnswer }) {
  const rows = historyRows(record);
  if (rows.length < 2)
    return <Text variant="microcopy">The score history appears here after the contact is scored again.</Text>;
  return (
    <LineChart
      data={rows}
      axes={{
        x: { field: 'at', fieldType: 'datetime', label: 'Scored at' },
        y: { field: 'score', fieldType: 'linear', label: 'Score' },
      }}
      options={{ title: 'Score history', showTooltips: true }}
    />
  );
}

export function ScoreView({
  record,
  nowMs,
  onRefresh,
}: {
  record: RecordAnswer;
  nowMs: number;
  onRefresh: () => void;
}) {
  const sum = checkSum(record);
  return (
    <Flex direction="column" gap="medium">
      <Flex direction="row" gap="medium" align="center">
        <ScoreCircle score={record.score} />
        <Flex direction="column" gap="extra-small">
          <Flex direction="row" gap="small" align="center">
            <Heading inline={true}>Score {record.score} of 100</Heading>
            <Tag variant={TIER_TAG_VARIANTS[record.tier]}>{TIER_LABELS[record.tier]}</Tag>
          </Flex>
          <Text>{`${percent(record.probability)} chance to convert`}</Text>
          <Text variant="microcopy">{segmentText(record.segment)}</Text>
        </Flex>
      </Flex>
      {notices(record).map((notice) => (
        <Alert key={notice.title} title={notice.title} variant="info">
          {notice.text}
        </Alert>
      ))}
      {sum.matches ? null : (
        <Alert title="The factors do not add up to the score" variant="warning">
          {`Baseline and factors add up to ${sum.sum}, the score is ${sum.score}. Refresh; if it stays, contact LeadScore support.`}
        </Alert>
      )}
      <Heading>Why this score</Heading>
      <WhyTable record={record} />
      <Divider />
      <Heading>Recommendation</Heading>
      <Text testId="recommendation">{record.recommendation}</Text>
      <Divider />
      <History record={record} />
      <Flex direction="row" gap="small" align="center" justify="between">
        <Text variant="microcopy" testId="model-line">
          {`${modelText(record.model)} · scored ${ageText(record.scoredAt, nowMs)}`}
        </Text>
        <Button onClick={onRefresh} variant="transparent" size="sm">
          Refresh
        </Button>
      </Flex>
    </Flex>
  );
}

/** The LeadScore tab of a contact record: the score, why, what to do next, and how it moved. */
export function RecordCard({
  context,
  fetcher,
  onPropertiesUpdate,
  scoreProperty,
  now = Date.now,
}: RecordCardProps) {
  const [state, setState] = React.useState<State>({ status: 'loading' });
  // Only the newest request may set the state: a slow answer never overwrites a newer one.
  const latest = React.useRef(0);
  const portalId = context.portal.id;
  const userId = context.user.id;
  const objectId = context.crm.objectId;

  const load = React.useCallback(() => {
    latest.current += 1;
    const request = latest.current;
    const settle = (next: State) => {
      if (request === latest.current) setState(next);
    };
    setState({ status: 'loading' });
    loadRecord(fetcher, { portal: { id: portalId }, user: { id: userId }, crm: { objectId } }).then(
      settle,
      (error: unknown) =>
        settle({
          status: 'failed',
          failure: {
            kind: 'unexpected',
            status: null,
            code: null,
            message: error instanceof Error ? error.message : String(error),
            requestId: null,
            problems: [],
          },
        }),
    );
  }, [fetcher, portalId, userId, objectId]);

  React.useEffect(() => {
    load();
    return () => {
      latest.current += 1;
    };
  }, [load]);

  React.useEffect(() => {
    if (onPropertiesUpdate === undefined || scoreProperty === undefined) return;
    // The worker writes the score property after each scoring: reload the card when it moves.
    onPropertiesUpdate([scoreProperty], load);
  }, [onPropertiesUpdate, scoreProperty, load]);

  const retry = load;
  if (state.status === 'loading')
    return <LoadingSpinner label="Loading the LeadScore score" layout="centered" />;
  if (state.status === 'failed') return <FailureView failure={state.failure} onRetry={retry} />;
  return <ScoreView record={state.record} nowMs={now()} onRefresh={retry} />;
}
