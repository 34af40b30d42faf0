import { hubspot } from '@hubspot/ui-extensions';
import React from 'react';
import { SettingsPage } from './SettingsPage.tsx';

// The settings page's entry point (leadscore-settings-hsmeta.json): HubSpot shows it in the app's settings.
hubspot.extend<'settings'>(({ context }) =>
  React.createElement(SettingsPage, { context, fetcher: hubspot.fetch }),
);
