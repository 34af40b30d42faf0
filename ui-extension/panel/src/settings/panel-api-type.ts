/** The panel API surface the settings and model health views use (see the panel client). */
export interface PanelApi {
  get<T>(path: string): Promise<T>;
  send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T>;
  readonly session: { tenantId: string; userId: string; role: 'admin' | 'rep' };
}
