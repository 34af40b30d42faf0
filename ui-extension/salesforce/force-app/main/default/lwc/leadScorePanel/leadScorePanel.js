import { refreshApex } from '@salesforce/apex';
import getScoreDetail from '@salesforce/apex/LeadScoreApi.getScoreDetail';
import { FIELDS } from 'c/leadScoreFields';
import {
  errorText,
  formatModel,
  formatProbability,
  formatScoredAt,
  mapRecord,
  parseDetail,
  recordFieldsFor,
  scoreRows,
  sparkline,
} from 'c/leadScoreLogic';
import { getRecord } from 'lightning/uiRecordApi';
import { api, LightningElement, wire } from 'lwc';

const SPARK_BOX = { width: 240, height: 48, padding: 4 };

/**
 * LeadScore on a Lead or Contact record page. The score, tier and factor fields come from the
 * record itself (Lightning Data Service, so the panel follows every write-back); the rows that add
 * up to the score, the history, the recommendation and the model come from LeadScore through the
 * LeadScoreApi Apex class, re-read whenever the record's score changes.
 */
export default class LeadScorePanel extends LightningElement {
  @api recordId;
  @api objectApiName;

  recordView;
  recordError;
  detailAnswer;
  detailError;
  wiredDetail;
  lastScoredAt;

  get placementProblem() {
    try {
      recordFieldsFor(FIELDS, this.objectApiName);
      return null;
    } catch (error) {
      return error.message;
    }
  }

  get optionalFields() {
    return this.placementProblem === null ? recordFieldsFor(FIELDS, this.objectApiName) : [];
  }

  @wire(getRecord, { recordId: '$recordId', optionalFields: '$optionalFields' })
  wiredRecord({ data, error }) {
    if (data) {
      this.recordView = mapRecord(FIELDS, this.objectApiName, data);
      this.recordError = undefined;
      const scoredAt = this.recordView.state === 'scored' ? this.recordView.scoredAt : null;
      if (this.lastScoredAt !== undefined && scoredAt !== this.lastScoredAt && this.wiredDetail) {
        refreshApex(this.wiredDetail);
      }
      this.lastScoredAt = scoredAt;
    } else if (error) {
      this.recordError = errorText(error, 'record');
    }
  }

  @wire(getScoreDetail, { recordId: '$recordId' })
  wiredScoreDetail(result) {
    this.wiredDetail = result;
    const { data, error } = result;
    if (data) {
      try {
        this.detailAnswer = parseDetail(data);
        this.detailError = undefined;
      } catch (problem) {
        this.detailError = errorText(problem, 'detail');
      }
    } else if (error) {
      this.detailError = errorText(error, 'detail');
    }
  }

  get isLoading() {
    return this.placementProblem === null && !this.recordView && !this.recordError;
  }

  get hasNoAccess() {
    return this.recordView?.state === 'noAccess';
  }

  get isNotScored() {
    return this.recordView?.state === 'notScored';
  }

  get isScored() {
    return this.recordView?.state === 'scored';
  }

  get objectLabel() {
    return this.objectApiName === 'Contact' ? 'contact' : 'lead';
  }

  get detail() {
    return this.detailAnswer?.status === 'scored' ? this.detailAnswer.detail : null;
  }

  get detailNotice() {
    return this.detailAnswer?.status === 'notScored' ? this.detailAnswer.message : null;
  }

  get score() {
    return this.detail?.score ?? this.recordView?.score;
  }

  get tier() {
    return this.detail?.tier ?? this.recordView?.tier ?? '';
  }

  get tierClass() {
    return `slds-badge leadscore-tier leadscore-tier_${this.tier.toLowerCase() || 'none'}`;
  }

  get meterText() {
    return this.tier ? `${this.score} of 100, ${this.tier.toLowerCase()}` : `${this.score} of 100`;
  }

  get probabilityText() {
    return formatProbability(this.detail?.probability ?? this.recordView?.probability);
  }

  get scoredAtText() {
    return formatScoredAt(this.detail?.scoredAt ?? this.recordView?.scoredAt, Date.now());
  }

  get rowsResult() {
    return this.detail ? scoreRows(this.detail) : null;
  }

  get rows() {
    return (this.rowsResult?.rows ?? []).map((row) => ({
      ...row,
      rowClass: row.kind === 'total' ? 'leadscore-row_total' : '',
      barClass: `leadscore-bar leadscore-bar_${row.direction}`,
      barStyle: `width: ${row.barPercent}%`,
      hasBar: row.barPercent > 0,
    }));
  }

  get doesNotAddUp() {
    return this.rowsResult !== null && !this.rowsResult.addsUp;
  }

  get mismatchText() {
    return this.rowsResult ? `The rows add up to ${this.rowsResult.sum}; LeadScore rounds each part.` : '';
  }

  /** Without LeadScore's detail, the stored factor fields still say why. */
  get fieldFactors() {
    if (this.detail || !this.isScored) return [];
    return this.recordView.factors.map((factor, index) => ({ ...factor, key: `factor-${index}` }));
  }

  get hasFieldFactors() {
    return this.fieldFactors.length > 0;
  }

  get recommendation() {
    return this.detail?.recommendation || this.recordView?.recommendation || '';
  }

  get spark() {
    return this.detail ? sparkline(this.detail.history, SPARK_BOX) : null;
  }

  get modelText() {
    if (this.detail) return formatModel(this.detail.model);
    return this.recordView?.modelVersion ? `Model ${this.recordView.modelVersion}` : '';
  }

  get coldStartText() {
    return this.detail?.coldStart ?? '';
  }

  get isHoldout() {
    return this.detail?.holdout === true;
  }

  get isNurtured() {
    return this.recordView?.nurture === true;
  }
}
