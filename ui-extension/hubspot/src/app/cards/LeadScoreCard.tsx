import { hubspot } from '@hubspot/ui-extensions';
import React from 'react';
import { SCORE_PROPERTY } from './lib/project-config.ts';
import { RecordCard } from './RecordCard.tsx';

// The card's entry point (leadscore-card-hsmeta.json): HubSpot renders it on the contact record tab.
hubspot.extend<'crm.record.tab'>(({ context, actions }) =>
  React.createElement(RecordCard, {
    context,
    fetcher: hubspot.fetch,
    onPropertiesUpdate: actions.onCrmPropertiesUpdate,
    scoreProperty: SCORE_PROPERTY,
  }),
);
