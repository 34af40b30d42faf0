// Generated from the server's OpenAPI document by scripts/generate-panel-api-types.ts: do not edit.
// After changing an API route, run `npm run generate:api-types`.

export interface paths {
  '/models': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List model versions */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Every model version with its test-window metrics, the champion of each segment, drift */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Models'];
          };
        };
        /** @description A parameter, query or body field is invalid: the problems name each one and how to fix it */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ApiError'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/models/{segment}/champions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Read a segment's champion and the champions before it
     * @description What POST /models/{segment}/rollback would restore: each rollback makes the first earlier champion current again.
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          segment: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The current champion and the earlier ones, newest first */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['SegmentChampions'];
          };
        };
        /** @description A parameter, query or body field is invalid: the problems name each one and how to fix it */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ApiError'];
          };
        };
        /** @description The segment is not in the tenant settings */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ApiError'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/models/{segment}/rollback': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Roll back a segment to its previous champion */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          segment: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The champion restored and the one it replaced; the tenant is rescored */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Rollback'];
          };
        };
        /** @description A parameter, query or body field is invalid: the problems name each one and how to fix it */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ApiError'];
          };
        };
        /** @description Only admins of the tenant may do this */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ApiError'];
          };
        };
        /** @description The segment is not in the tenant settings */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ApiError'];
          };
        };
        /** @description The segment has no earlier champion to roll back to */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ApiError'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/models/{version}/evaluation': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Evaluate a model version on its test window
     * @description Calibration plot (predicted against observed conversion per equal-count bin of predicted probability: up to 10 bins, fewer so that each holds at least 10 examples, and fewer again when tied predictions, never split across bins, fill more than a bin) with the expected calibration error over those bins (each bin weighted by its share of the window's weight, the examples' count unless negatives were sampled down), and lift by score decile, from the version's stored test window. Predicted probabilities are the ones stored with the window; for windows saved before they were kept, they are read back from the stored scores through the version's score scale (exact on calibration plateaus, the middle of the score's probability range otherwise). `segment` keeps one segment's examples of a pooled model's window.
     */
    get: {
      parameters: {
        query?: {
          segment?: string;
        };
        header?: never;
        path: {
          version: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Calibration bins and lift deciles of the version on its test window */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ModelEvaluation'];
          };
        };
        /** @description A parameter, query or body field is invalid: the problems name each one and how to fix it */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ApiError'];
          };
        };
        /** @description The version is not one of the tenant, or no test window was kept for it */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ApiError'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/models/retrain': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Retrain the models */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The training job was queued */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Queued'];
          };
        };
        /** @description A parameter, query or body field is invalid: the problems name each one and how to fix it */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ApiError'];
          };
        };
        /** @description Only admins of the tenant may do this */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ApiError'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/privacy/export': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Export a person's data
     * @description GDPR Art. 15: the stored profile, score, model version, factors, history, activities and outcomes.
     */
    get: {
      parameters: {
        query: {
          leadId: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Everything LeadScore keeps about the person */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['PersonalDataExport'];
          };
        };
        /** @description A parameter, query or body field is invalid: the problems name each one and how to fix it */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ApiError'];
          };
        };
        /** @description Only admins of the tenant may do this */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ApiError'];
          };
        };
        /** @description No lead with this id in the tenant */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ApiError'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/privacy/leads/{leadId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Erase a person
     * @description GDPR Art. 17: the lead, its activities, outcomes, links, score and history, write-back and routing state, job data naming it and its examples in stored test windows.
     */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          leadId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description What was erased */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Erasure'];
          };
        };
        /** @description A parameter, query or body field is invalid: the problems name each one and how to fix it */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ApiError'];
          };
        };
        /** @description Only admins of the tenant may do this */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ApiError'];
          };
        };
        /** @description No lead with this id in the tenant */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ApiError'];
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/records': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Read the score of a lead by its CRM record id
     * @description For panels that know the CRM id (a HubSpot contact id): mapped to the lead id the way the sync names leads.
     */
    get: {
      parameters: {
        query: {
          crmId: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The lead's score and everything the panel shows with it */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['LeadRecord'];
          };
        };
        /** @description A parameter, query or body field is invalid: the problems name each one and how to fix it */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ApiError'];
          };
        };
        /** @description No scored lead with this CRM id in the tenant */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ApiError'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/records/{leadId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Read the score of a lead
     * @description Score, tier, factors, recommendation, history and model of one lead of the caller's tenant.
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          leadId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The lead's score and everything the panel shows with it */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['LeadRecord'];
          };
        };
        /** @description A parameter, query or body field is invalid: the problems name each one and how to fix it */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ApiError'];
          };
        };
        /** @description No scored lead with this id in the tenant */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ApiError'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/settings': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Read the scoring settings */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The settings in force and their version */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['SettingsVersion'];
          };
        };
        /** @description A parameter, query or body field is invalid: the problems name each one and how to fix it */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ApiError'];
          };
        };
      };
    };
    /**
     * Change the scoring settings
     * @description Validated as a whole; saved only over the version the admin edited; audited; a change of thresholds or segments rescores the tenant.
     */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': components['schemas']['SaveSettings'];
        };
      };
      responses: {
        /** @description The saved version and what changed */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['SavedSettings'];
          };
        };
        /** @description A parameter, query or body field is invalid: the problems name each one and how to fix it */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ApiError'];
          };
        };
        /** @description Only admins of the tenant may do this */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ApiError'];
          };
        };
        /** @description The settings changed since expectedVersion: reload and edit again */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ApiError'];
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/settings/audit': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Read who changed the settings */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Settings changes, newest first: who, when, each field old → new */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['SettingsAudit'];
          };
        };
        /** @description A parameter, query or body field is invalid: the problems name each one and how to fix it */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ApiError'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/settings/preview': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Preview candidate thresholds
     * @description For each segment's candidate hot and warm thresholds: distinct leads per week at or above each, precision and recall, on the test window of the model serving the segment.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': components['schemas']['ThresholdPreviewRequest'];
        };
      };
      responses: {
        /** @description Per segment, what each threshold would have done on the test window */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ThresholdPreview'];
          };
        };
        /** @description A parameter, query or body field is invalid: the problems name each one and how to fix it */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ApiError'];
          };
        };
        /** @description A segment id is not in the tenant settings */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ApiError'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/sync': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Read the sync status */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Lag per object, the last error, record counts and the hygiene report */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['SyncStatus'];
          };
        };
        /** @description A parameter, query or body field is invalid: the problems name each one and how to fix it */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ApiError'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    ApiError: {
      error: {
        /** @enum {string} */
        code:
          | 'invalid_request'
          | 'forbidden'
          | 'not_found'
          | 'conflict'
          | 'payload_too_large'
          | 'unavailable'
          | 'internal';
        message: string;
        problems?: components['schemas']['FieldProblem'][];
      };
    };
    /** @description One equal-count bin of test examples by predicted probability, from and to being the lowest and highest prediction in it (both included): their count, total and converting weight, weighted mean prediction and observed conversion rate */
    CalibrationBin: {
      examples: number;
      from: number;
      observed: number;
      positives: number;
      predicted: number;
      to: number;
      weight: number;
    };
    DataSufficiency: {
      convertingLeads: number;
      /**
       * Format: date-time
       * @example 2026-03-01T12:00:00.000Z
       */
      countedAt: string;
      labelledLeads: number;
      minConvertingLeads: number;
      minLabelledLeads: number;
      /** @enum {string} */
      mode: 'rules' | 'model';
      text: string;
    } | null;
    Erasure: {
      /** @enum {boolean} */
      erased: true;
      leadId: string;
      removedEntries: number;
      removedJobs: number;
      removedKeys: number;
      testWindowExamples: number;
      updatedJobs: number;
    };
    Factor: {
      featureId: string;
      label: string;
      points: number;
      text: string;
    };
    FieldProblem: {
      field: string;
      message: string;
    };
    LeadProfile:
      | ({
          crmId: string;
          email: string | null;
          id: string;
          objectType: string;
        } & {
          [key: string]: unknown;
        })
      | null;
    LeadRecord: {
      baseline: number;
      crmId: string | null;
      dataSufficiency: components['schemas']['DataSufficiency'];
      factors: components['schemas']['Factor'][];
      history: {
        /**
         * Format: date-time
         * @example 2026-03-01T12:00:00.000Z
         */
        at: string;
        modelVersion: string;
        score: number;
      }[];
      holdout: boolean;
      leadId: string;
      model: {
        ageDays: number | null;
        /** @enum {string} */
        source: 'model' | 'pooled' | 'rules';
        /**
         * Format: date-time
         * @example 2026-03-01T12:00:00.000Z
         */
        trainedAt: string | null;
        version: string;
      };
      other: {
        points: number;
        text: string;
      };
      probability: number;
      recommendation: string;
      score: number;
      /**
       * Format: date-time
       * @example 2026-03-01T12:00:00.000Z
       */
      scoredAt: string;
      segment: {
        hotThreshold: number | null;
        id: string;
        name: string | null;
        warmThreshold: number | null;
      };
      /** @enum {string} */
      tier: 'hot' | 'warm' | 'cold';
    };
    /** @description One tenth of the test window by score, decile 1 the highest: weighted examples and conversions (tied scores are shared across the deciles they straddle, so these may be fractional), conversion rate and its ratio to the base rate */
    LiftDecile: {
      conversionRate: number | null;
      decile: number;
      examples: number;
      lift: number | null;
      maxScore: number | null;
      minScore: number | null;
      positives: number;
    };
    ModelEvaluation: {
      baseRate: number | null;
      calibration: {
        bins: components['schemas']['CalibrationBin'][];
        error: number | null;
        /** @enum {string} */
        probabilities: 'stored' | 'score-scale';
      } | null;
      calibrationNote: string | null;
      lift: components['schemas']['LiftDecile'][];
      segment: string;
      segmentFilter: string | null;
      /**
       * Format: date-time
       * @example 2026-03-01T12:00:00.000Z
       */
      trainedAt: string;
      version: string;
      window: {
        examples: number;
        /**
         * Format: date-time
         * @example 2026-03-01T12:00:00.000Z
         */
        from: string;
        positives: number;
        /**
         * Format: date-time
         * @example 2026-03-01T12:00:00.000Z
         */
        to: string;
      };
    };
    Models: {
      champions: {
        [key: string]: string;
      };
      drift: {
        /**
         * Format: date-time
         * @example 2026-03-01T12:00:00.000Z
         */
        at: string;
        message: string;
        segment: string | null;
      }[];
      versions: components['schemas']['ModelVersion'][];
    };
    ModelVersion: {
      champion: boolean;
      id: string;
      metrics: {
        atThresholds: {
          precision: number | null;
          recall: number | null;
          threshold: number;
        }[];
        ece: number | null;
        liftTopDecile: number | null;
        prAuc: number | null;
        rocAuc: number | null;
        testPositives: number | null;
        testRows: number | null;
      };
      segment: string;
      settingsVersion: number | string;
      /**
       * Format: date-time
       * @example 2026-03-01T12:00:00.000Z
       */
      trainedAt: string;
      window: {
        test: {
          /**
           * Format: date-time
           * @example 2026-03-01T12:00:00.000Z
           */
          from: string | null;
          /**
           * Format: date-time
           * @example 2026-03-01T12:00:00.000Z
           */
          to: string | null;
        };
        train: {
          /**
           * Format: date-time
           * @example 2026-03-01T12:00:00.000Z
           */
          from: string | null;
          /**
           * Format: date-time
           * @example 2026-03-01T12:00:00.000Z
           */
          to: string | null;
        };
        valid: {
          /**
           * Format: date-time
           * @example 2026-03-01T12:00:00.000Z
           */
          from: string | null;
          /**
           * Format: date-time
           * @example 2026-03-01T12:00:00.000Z
           */
          to: string | null;
        };
      };
    };
    PersonalDataExport: {
      activities: {
        detail: string | null;
        id: string;
        /**
         * Format: date-time
         * @example 2026-03-01T12:00:00.000Z
         */
        occurredAt: string;
        type: string;
      }[];
      /**
       * Format: date-time
       * @example 2026-03-01T12:00:00.000Z
       */
      exportedAt: string;
      leadId: string;
      outcomes: {
        amount: number | null;
        kind: string;
        /**
         * Format: date-time
         * @example 2026-03-01T12:00:00.000Z
         */
        occurredAt: string;
      }[];
      profile: components['schemas']['LeadProfile'];
      score: components['schemas']['LeadRecord'] & (Record<string, never> | null);
    };
    Queued: {
      jobId: string;
      /** @enum {boolean} */
      queued: true;
    };
    Rollback: {
      replaced: string | null;
      rescoringJobId: string;
      restored: string;
      segment: string;
    };
    SavedSettings: components['schemas']['SettingsVersion'] & {
      changes: components['schemas']['SettingsChange'][];
      rescoringQueued: boolean;
    };
    SaveSettings: {
      expectedVersion: number;
      /** @description The whole settings object, as GET /settings answers it (see Settings) */
      settings: {
        [key: string]: unknown;
      };
    };
    SegmentChampions: {
      champion: string | null;
      earlier: string[];
      segment: string;
    };
    Settings: {
      /** @default 90 */
      horizonDays: number;
      /**
       * @default converted
       * @enum {string}
       */
      label: 'converted' | 'won';
      /** @default 0 3 * * 0 */
      retrainCron: string;
      /** @default false */
      routeAlreadyHot: boolean;
      segments: {
        /** @default [] */
        countries: string[];
        /** @default 0 */
        holdoutShare: number;
        hotThreshold: number;
        id: string;
        /** @default [] */
        industries: string[];
        /** @default [] */
        leadSources: string[];
        /** @default null */
        maxEmployees: number | null;
        /** @default null */
        minEmployees: number | null;
        name: string;
        /**
         * @default task
         * @enum {string}
         */
        onHot: 'task' | 'nurture' | 'none';
        /**
         * @default nurture
         * @enum {string}
         */
        onWarm: 'task' | 'nurture' | 'none';
        warmThreshold: number;
      }[];
      /** @default true */
      writebackEnabled: boolean;
    };
    SettingsAudit: {
      entries: components['schemas']['SettingsAuditEntry'][];
    };
    SettingsAuditEntry: {
      /**
       * Format: date-time
       * @example 2026-03-01T12:00:00.000Z
       */
      at: string;
      changes: components['schemas']['SettingsChange'][];
      previousVersion: number;
      userId: string;
      version: number;
    };
    SettingsChange: {
      /** @description The old value; absent when the field was added */
      from?: unknown;
      path: string;
      /** @description The new value; absent when the field was removed */
      to?: unknown;
    };
    SettingsVersion: {
      /**
       * Format: date-time
       * @example 2026-03-01T12:00:00.000Z
       */
      savedAt: string | null;
      savedBy: string | null;
      settings: components['schemas']['Settings'];
      version: number;
    };
    SyncStatus: {
      counts: {
        activities: number;
        leads: number;
        outcomes: number;
        scores: number;
      };
      hygiene: {
        apiUsage: {
          limit: number;
          used: number;
        } | null;
        families: {
          [key: string]: {
            deleted: number;
            pages: number;
            unchanged: number;
            written: number;
          };
        };
        firstLoad: {
          [key: string]: {
            done: boolean;
            pages: number;
            records: number;
          };
        };
        /**
         * Format: date-time
         * @example 2026-03-01T12:00:00.000Z
         */
        lastSuccessAt: string | null;
        linkedPeople: number;
        rejected: {
          crmId: string;
          object: string;
          problems: {
            field: string;
            reason: string;
          }[];
        }[];
        rejectedCount: number;
      };
      lastError: {
        /**
         * Format: date-time
         * @example 2026-03-01T12:00:00.000Z
         */
        at: string;
        kind: string;
        message: string;
      } | null;
      objects: {
        /**
         * Format: date-time
         * @example 2026-03-01T12:00:00.000Z
         */
        cursorUpdatedAt: string;
        lagSeconds: number;
        object: string;
      }[];
      tenant: {
        reason: string | null;
        status: string;
      } | null;
    };
    ThresholdOutcome: {
      examplesAbove: number;
      leadsPerWeek: number;
      precision: number | null;
      recall: number | null;
      threshold: number;
    } | null;
    ThresholdPreview: {
      segments: components['schemas']['ThresholdPreviewSegment'][];
    };
    ThresholdPreviewRequest: {
      segments: {
        hotThreshold: number;
        segmentId: string;
        warmThreshold: number;
      }[];
    };
    ThresholdPreviewSegment: {
      hot: components['schemas']['ThresholdOutcome'];
      modelVersion: string | null;
      note: string | null;
      segmentId: string;
      /** @enum {string|null} */
      servedBy: 'segment' | 'pooled' | null;
      warm: components['schemas']['ThresholdOutcome'];
      window: {
        examples: number;
        /**
         * Format: date-time
         * @example 2026-03-01T12:00:00.000Z
         */
        from: string;
        leads: number;
        positives: number;
        /**
         * Format: date-time
         * @example 2026-03-01T12:00:00.000Z
         */
        to: string;
        weeks: number;
      } | null;
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
