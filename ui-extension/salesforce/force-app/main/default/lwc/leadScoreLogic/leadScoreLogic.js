/**
 * What the LeadScore record component shows, as plain functions: the record's LeadScore fields
 * (Lightning Data Service), the detail LeadScore's API answers (through the LeadScoreApi Apex
 * class), the rows of "why this score" that add up to the score, the history sparkline, and error
 * text that says what to do. No DOM and no Salesforce modules, so it is tested outside an org.
 */

const TIERS = Object.freeze({ hot: 'Hot', warm: 'Warm', cold: 'Cold' });
const FACTOR_KEYS = Object.freeze(['factor1', 'factor2', 'factor3', 'factor4', 'factor5']);
/** `+18 · label` as the write-back stores a factor (points, a middle dot, the label). */
const FACTOR_TEXT = /^([+-]?\d+) · (.+)$/s;
const DAY_MS = 86400000;

export class LeadScorePanelError extends Error {
  constructor(message) {
    super(message);
    this.name = 'LeadScorePanelError';
  }
}

/** `+18`, `-4` (ASCII hyphen-minus), and `0` without a sign. */
export function signedPoints(points) {
  if (!Number.isInteger(points)) throw new LeadScorePanelError(`points ${points} must be a whole number`);
  return points > 0 ? `+${points}` : `${points}`;
}

/** The fields to ask getRecord for (`Lead.leadscore__LeadScore_Score__c`...), for a panel object. */
export function recordFieldsFor(fields, objectApiName) {
  const names = fields[objectApiName];
  if (names === undefined) {
    throw new LeadScorePanelError(
      `LeadScore shows on ${Object.keys(fields).join(' and ')} records, not on ${objectApiName}: remove it from this page`,
    );
  }
  return Object.values(names).map((name) => `${objectApiName}.${name}`);
}

/** `Hot`, `Warm` or `Cold` from a picklist value or the API's lower-case tier; null otherwise. */
export function tierLabel(value) {
  if (typeof value !== 'string') return null;
  return TIERS[value.toLowerCase()] ?? null;
}

/** A stored factor text split into its points and label; the text itself when it has no points. */
export function parseFactorText(text) {
  const match = FACTOR_TEXT.exec(text.trim());
  if (match === null) return { points: null, label: text.trim(), text };
  return { points: Number(match[1]), label: match[2], text };
}

function fieldValue(record, name) {
  const field = record?.fields?.[name];
  if (field === undefined || field === null) return undefined;
  return field.value ?? null;
}

/**
 * The LeadScore fields of a getRecord answer. `noAccess`: the score field is not in the answer
 * (optionalFields leave out what the user may not read); `notScored`: it is empty.
 */
export function mapRecord(fields, objectApiName, record) {
  const names = fields[objectApiName];
  if (names === undefined) throw new LeadScorePanelError(`no LeadScore fields on ${objectApiName}`);
  const score = fieldValue(record, names.score);
  if (score === undefined) return { state: 'noAccess' };
  if (score === null) return { state: 'notScored' };
  const factors = FACTOR_KEYS.map((key) => fieldValue(record, names[key]))
    .filter((text) => typeof text === 'string' && text.trim() !== '')
    .map((text) => parseFactorText(text));
  const tier = tierLabel(fieldValue(record, names.tier));
  const probability = fieldValue(record, names.probability);
  return {
    state: 'scored',
    score: Math.round(Number(score)),
    tier,
    factors,
    modelVersion: fieldValue(record, names.modelVersion) ?? null,
    scoredAt: fieldValue(record, names.scoredAt) ?? null,
    nurture: fieldValue(record, names.nurture) === true,
    probability: typeof probability === 'number' ? probability : null,
    recommendation: fieldValue(record, names.recommendation) ?? null,
  };
}

function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireInteger(value, what) {
  if (!Number.isInteger(value)) throw new LeadScorePanelError(`LeadScore answered without ${what}`);
  return value;
}

/**
 * The Apex answer (a JSON string): `{status: 'scored', record}` with the API's LeadRecord, or
 * `{status: 'notScored', message}` when LeadScore has no score for the record yet.
 */
export function parseDetail(json) {
  let answer;
  try {
    answer = typeof json === 'string' ? JSON.parse(json) : json;
  } catch {
    throw new LeadScorePanelError('LeadScore answered something that is not JSON');
  }
  if (!isObject(answer)) throw new LeadScorePanelError('LeadScore answered an empty detail');
  if (answer.status === 'notScored') {
    return {
      status: 'notScored',
      message: String(answer.message ?? 'LeadScore has not scored this record yet.'),
    };
  }
  if (answer.status !== 'scored' || !isObject(answer.record)) {
    throw new LeadScorePanelError(`LeadScore answered an unknown status ${String(answer.status)}`);
  }
  const record = answer.record;
  const factors = Array.isArray(record.factors) ? record.factors : [];
  const model = isObject(record.model) ? record.model : {};
  const sufficiency = isObject(record.dataSufficiency) ? record.dataSufficiency : null;
  return {
    status: 'scored',
    detail: {
      score: requireInteger(record.score, 'a score'),
      tier: tierLabel(record.tier),
      probability: typeof record.probability === 'number' ? record.probability : null,
      baseline: requireInteger(record.baseline, 'a baseline'),
      factors: factors.map((factor, index) => ({
        featureId: String(factor.featureId ?? `factor-${index + 1}`),
        label: String(factor.label ?? ''),
        points: requireInteger(factor.points, `points for factor ${index + 1}`),
      })),
      otherPoints: requireInteger(record.other?.points ?? 0, 'points for the other factors'),
      recommendation: typeof record.recommendation === 'string' ? record.recommendation : '',
      history: (Array.isArray(record.history) ? record.history : [])
        .filter((point) => isObject(point) && Number.isInteger(point.score) && typeof point.at === 'string')
        .map((point) => ({
          at: point.at,
          score: point.score,
          modelVersion: String(point.modelVersion ?? ''),
        })),
      model: {
        version: String(model.version ?? ''),
        source: model.source === 'rules' || model.source === 'pooled' ? model.source : 'model',
        ageDays: Number.isInteger(model.ageDays) ? model.ageDays : null,
      },
      coldStart: sufficiency !== null && sufficiency.mode === 'rules' ? String(sufficiency.text ?? '') : null,
      holdout: record.holdout === true,
      segmentName:
        isObject(record.segment) && typeof record.segment.name === 'string' ? record.segment.name : null,
      scoredAt: typeof record.scoredAt === 'string' ? record.scoredAt : null,
    },
  };
}

/**
 * "Why this score": Baseline (unsigned), each factor (signed), Other factors (signed), then Score
 * (unsigned). The rows above Score add up to it; `addsUp` says whether they do for this answer.
 * Bars are a share of the largest magnitude, as CSS classes would need whole percentages.
 */
export function scoreRows(detail) {
  const parts = [
    { key: 'baseline', label: 'Baseline', points: detail.baseline, kind: 'baseline' },
    ...detail.factors.map((factor) => ({
      key: factor.featureId,
      label: factor.label,
      points: factor.points,
      kind: 'factor',
    })),
    { key: 'other', label: 'Other factors', points: detail.otherPoints, kind: 'other' },
  ];
  const sum = parts.reduce((total, part) => total + part.points, 0);
  const largest = Math.max(
    1,
    ...parts.filter((part) => part.kind !== 'baseline').map((part) => Math.abs(part.points)),
  );
  const rows = parts.map((part) => ({
    ...part,
    display: part.kind === 'baseline' ? `${part.points}` : signedPoints(part.points),
    direction:
      part.kind === 'baseline' ? 'neutral' : part.points > 0 ? 'up' : part.points < 0 ? 'down' : 'neutral',
    barPercent: part.kind === 'baseline' ? 0 : Math.round((Math.abs(part.points) / largest) * 100),
  }));
  rows.push({
    key: 'score',
    label: 'Score',
    points: detail.score,
    kind: 'total',
    display: `${detail.score}`,
    direction: 'neutral',
    barPercent: 0,
  });
  return { rows, sum, addsUp: sum === detail.score };
}

function shortDate(iso) {
  return new Date(iso).toISOString().slice(0, 10);
}

/**
 * The history as an SVG polyline in a width × height box (score 0 at the bottom, 100 at the top),
 * oldest first, with a label that says what the line shows. Null without history.
 */
export function sparkline(history, { width = 240, height = 48, padding = 4 } = {}) {
  const points = [...history].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  if (points.length === 0) return null;
  const innerWidth = width - 2 * padding;
  const innerHeight = height - 2 * padding;
  const step = points.length === 1 ? 0 : innerWidth / (points.length - 1);
  const coordinates = points.map((point, index) => {
    const x = points.length === 1 ? width / 2 : padding + index * step;
    const clamped = Math.min(100, Math.max(0, point.score));
    const y = padding + innerHeight * (1 - clamped / 100);
    return { x: Math.round(x * 10) / 10, y: Math.round(y * 10) / 10 };
  });
  const first = points[0];
  const last = points[points.length - 1];
  const label =
    points.length === 1
      ? `Score history: ${last.score} on ${shortDate(last.at)}`
      : `Score history: from ${first.score} on ${shortDate(first.at)} to ${last.score} on ${shortDate(last.at)}, ${points.length} scores`;
  return {
    points: coordinates.map((point) => `${point.x},${point.y}`).join(' '),
    last: coordinates[coordinates.length - 1],
    label,
    width,
    height,
  };
}

/** `12% likely to convert`; below 1% `under 1% likely to convert`. */
export function formatProbability(probability) {
  if (typeof probability !== 'number' || Number.isNaN(probability)) return '';
  if (probability > 0 && probability < 0.01) return 'under 1% likely to convert';
  return `${Math.round(probability * 100)}% likely to convert`;
}

/** The model line: version, how old the model is, or that transparent rules scored the lead. */
export function formatModel(model) {
  if (model.source === 'rules') return `Scored by transparent rules (${model.version})`;
  const kind = model.source === 'pooled' ? 'Pooled model' : 'Model';
  if (model.ageDays === null) return `${kind} ${model.version}`;
  const age =
    model.ageDays === 0
      ? 'trained today'
      : `trained ${model.ageDays} day${model.ageDays === 1 ? '' : 's'} ago`;
  return `${kind} ${model.version}, ${age}`;
}

/** `scored 5 minutes ago`, `scored 3 days ago`; empty without a time. */
export function formatScoredAt(iso, nowMs) {
  if (typeof iso !== 'string') return '';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '';
  const minutes = Math.max(0, Math.floor((nowMs - at) / 60000));
  if (minutes < 1) return 'scored just now';
  if (minutes < 60) return `scored ${minutes} minute${minutes === 1 ? '' : 's'} ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `scored ${hours} hour${hours === 1 ? '' : 's'} ago`;
  const days = Math.floor((nowMs - at) / DAY_MS);
  return `scored ${days} day${days === 1 ? '' : 's'} ago`;
}

function messagesOf(body) {
  if (typeof body === 'string') return [body];
  if (Array.isArray(body)) return body.flatMap((item) => messagesOf(item));
  if (isObject(body)) {
    const own = typeof body.message === 'string' ? [body.message] : [];
    const pages = Array.isArray(body.pageErrors) ? body.pageErrors.flatMap((item) => messagesOf(item)) : [];
    return [...own, ...pages];
  }
  return [];
}

/**
 * What to tell the rep about a failed read, from a Lightning Data Service or Apex error (`{status,
 * body}`) or a plain Error: a title and what to do. Apex messages are already written for people.
 */
export function errorText(error, source) {
  const status = isObject(error) && typeof error.status === 'number' ? error.status : undefined;
  const messages = isObject(error) && 'body' in error ? messagesOf(error.body) : [];
  if (messages.length === 0 && error instanceof Error) messages.push(error.message);
  if (status === 0 || messages.some((message) => /disconnected|offline|network/i.test(message))) {
    return {
      title: 'You seem to be offline',
      detail: 'Check your connection, then reload the page to see the LeadScore score.',
    };
  }
  if (source === 'record') {
    return {
      title: 'LeadScore could not read this record',
      detail: `${messages[0] ?? 'Salesforce did not say why.'} Reload the page; if it keeps failing, ask your Salesforce admin to check that you have the LeadScore User permission set.`,
    };
  }
  return {
    title: 'LeadScore details are unavailable',
    detail:
      messages[0] ?? 'LeadScore did not answer. Try again in a minute; the score fields above stay current.',
  };
}
