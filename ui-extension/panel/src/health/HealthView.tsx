import type { PanelApi } from '../settings/panel-api-type.ts';

export function HealthView({ api }: { api: PanelApi }) {
  return (
    <section aria-labelledby="ls-health-heading">
      <h1 id="ls-health-heading">Model health</h1>
      <p>Loading model health for {api.session.tenantId}…</p>
    </section>
  );
}
