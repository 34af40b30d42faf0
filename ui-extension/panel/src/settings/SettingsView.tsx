import type { PanelApi } from './panel-api-type.ts';

export function SettingsView({ api }: { api: PanelApi }) {
  return (
    <section aria-labelledby="ls-settings-heading">
      <h1 id="ls-settings-heading">Settings</h1>
      <p>Loading settings for {api.session.tenantId}…</p>
    </section>
  );
}
