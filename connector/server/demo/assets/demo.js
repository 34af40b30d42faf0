// The demo pages' behaviour, chosen by what the page holds: the Canvas frame's form posts itself;
// record pages poll the CRM's LeadScore fields and simulate activity; pages framing a Salesforce
// panel answer its renewal handshake with a fresh signed request.
(() => {
  const canvasForm = document.getElementById('canvas-form');
  if (canvasForm instanceof HTMLFormElement) {
    // As Salesforce does: the frame's first page POSTs the signed request to the app.
    canvasForm.submit();
    return;
  }

  const main = document.getElementById('main');
  if (!main) return;
  const frame = document.querySelector('iframe[title="LeadScore panel"]');
  const toPanel = (message) => {
    if (frame instanceof HTMLIFrameElement && frame.contentWindow)
      frame.contentWindow.postMessage(message, window.location.origin);
  };

  const renewUrl = main.dataset.renewUrl;
  if (renewUrl) {
    window.addEventListener('message', async (event) => {
      if (event.origin !== window.location.origin) return;
      if (!(frame instanceof HTMLIFrameElement) || event.source !== frame.contentWindow) return;
      if (event.data?.type !== 'leadscore:renew') return;
      try {
        const answer = await fetch(renewUrl, { cache: 'no-store', headers: { accept: 'application/json' } });
        if (!answer.ok) return;
        const { signedRequest } = await answer.json();
        if (typeof signedRequest === 'string') toPanel({ type: 'leadscore:signed-request', signedRequest });
      } catch {
        // The panel waits 15 s and then says the session expired.
      }
    });
  }

  const fieldsUrl = main.dataset.fieldsUrl;
  if (fieldsUrl) {
    const scoreField = document.getElementById('score-field');
    const tierField = document.getElementById('tier-field');
    const scoredAtField = document.getElementById('scored-at-field');
    const factorsField = document.getElementById('factors-field');
    let lastScore = main.dataset.score ?? '';
    const setText = (element, text) => {
      if (!element) return;
      if (text === null || text === undefined || text === '') {
        element.replaceChildren();
        const empty = document.createElement('span');
        empty.className = 'empty';
        empty.textContent = '(empty)';
        element.append(empty);
      } else if (element.textContent !== text) element.textContent = text;
    };
    const showFactors = (factors) => {
      if (!factorsField) return;
      if (!Array.isArray(factors) || factors.length === 0) return setText(factorsField, null);
      const list = document.createElement('ol');
      list.className = 'factor-list';
      for (const factor of factors) {
        const item = document.createElement('li');
        item.textContent = String(factor);
        list.append(item);
      }
      factorsField.replaceChildren(list);
    };
    const poll = async () => {
      try {
        const answer = await fetch(fieldsUrl, { cache: 'no-store', headers: { accept: 'application/json' } });
        if (answer.ok) {
          const record = await answer.json();
          const fields = record.leadscore ?? {};
          const score = fields.score === null || fields.score === undefined ? '' : String(fields.score);
          if (scoreField) {
            const text = score === '' ? 'Not scored yet' : score;
            if (scoreField.textContent !== text) scoreField.textContent = text;
          }
          setText(tierField, fields.tier);
          setText(scoredAtField, fields.scoredAt);
          showFactors(fields.factors);
          if (score !== lastScore) {
            lastScore = score;
            toPanel({ type: 'leadscore:refresh' });
          }
        }
      } catch {
        // The CRM is restarting: the next poll tries again.
      }
      window.setTimeout(poll, 500);
    };
    window.setTimeout(poll, 500);
  }

  const simulate = document.getElementById('simulate-form');
  const activityStatus = document.getElementById('activity-status');
  if (simulate instanceof HTMLFormElement) {
    simulate.addEventListener('submit', async (event) => {
      event.preventDefault();
      const select = simulate.querySelector('select');
      const type = select instanceof HTMLSelectElement ? select.value : '';
      const label = select instanceof HTMLSelectElement ? select.selectedOptions[0]?.textContent : type;
      const button = simulate.querySelector('button');
      if (button) button.disabled = true;
      if (activityStatus) activityStatus.textContent = `Recording: ${label}…`;
      try {
        const answer = await fetch(simulate.action, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ type }),
        });
        if (answer.ok) {
          if (activityStatus)
            activityStatus.textContent = `Recorded: ${label}. LeadScore rescores when the CRM's webhook arrives.`;
        } else {
          const body = await answer.json().catch(() => null);
          const message = body?.error?.message ?? `the server answered ${answer.status}`;
          if (activityStatus) activityStatus.textContent = `Not recorded: ${message}`;
        }
      } catch {
        if (activityStatus) activityStatus.textContent = 'Not recorded: the server did not answer.';
      } finally {
        if (button) button.disabled = false;
      }
    });
  }
})();
