import { useEffect, useMemo, useRef, useState } from 'react';
import type { PanelApi } from '../api/client.ts';
import type { SegmentDraft } from './settings-draft.ts';
import {
  createDebouncer,
  createLatestGate,
  PREVIEW_DEBOUNCE_MS,
  type PreviewAnswer,
  type PreviewSegment,
  previewCandidate,
  sweepRequests,
} from './threshold-preview.ts';
import { asPanelError } from './use-settings.ts';

export type LivePreview =
  | { status: 'idle' }
  | { status: 'blocked'; reason: string }
  | { status: 'loading'; previous: PreviewSegment | null }
  | { status: 'ready'; answer: PreviewSegment }
  | { status: 'error'; message: string };

/**
 * The preview of the segment being edited: its thresholds asked for 250 ms after the last change
 * (only the newest answer is shown), over a curve of every tenth threshold read once per settings version.
 */
export function useThresholdPreview(
  api: PanelApi,
  settingsVersion: number | null,
  savedIds: readonly string[],
  active: SegmentDraft | undefined,
) {
  const [sweep, setSweep] = useState<PreviewAnswer[]>([]);
  const [live, setLive] = useState<LivePreview>({ status: 'idle' });
  const debouncer = useRef(createDebouncer(PREVIEW_DEBOUNCE_MS));
  const gate = useRef(createLatestGate());
  const idsKey = savedIds.join('\n');

  // The sweep follows the saved version and its segment ids.
  useEffect(() => {
    if (settingsVersion === null) return;
    let current = true;
    const ids = idsKey === '' ? [] : idsKey.split('\n');
    Promise.all(
      sweepRequests(ids).map((request) => api.send<PreviewAnswer>('POST', '/settings/preview', request)),
    ).then(
      (answers) => {
        if (current) setSweep(answers);
      },
      // The curve is a backdrop: without it the live point and its text still show.
      () => {
        if (current) setSweep([]);
      },
    );
    return () => {
      current = false;
    };
  }, [api, settingsVersion, idsKey]);

  const candidate = useMemo(() => (active === undefined ? undefined : previewCandidate(active)), [active]);
  const requestKey = candidate === undefined ? 'none' : JSON.stringify(candidate);

  // biome-ignore lint/correctness/useExhaustiveDependencies: requestKey stands for the candidate
  useEffect(() => {
    const debounce = debouncer.current;
    if (candidate === undefined) {
      debounce.cancel();
      setLive({ status: 'idle' });
      return;
    }
    if (candidate.kind === 'blocked') {
      debounce.cancel();
      gate.current.ticket();
      setLive({ status: 'blocked', reason: candidate.reason });
      return;
    }
    const segmentId = candidate.request.segments[0]?.segmentId;
    // The last answer stays on screen while the next one loads, but only for the same segment.
    setLive((previous) => ({
      status: 'loading',
      previous:
        previous.status === 'ready' && previous.answer.segmentId === segmentId ? previous.answer : null,
    }));
    debounce.schedule(() => {
      const ticket = gate.current.ticket();
      api.send<PreviewAnswer>('POST', '/settings/preview', candidate.request).then(
        (answer) => {
          if (!gate.current.isLatest(ticket)) return;
          const segment = answer.segments[0];
          setLive(
            segment === undefined
              ? { status: 'error', message: 'The preview answered without this segment' }
              : { status: 'ready', answer: segment },
          );
        },
        (error: unknown) => {
          if (gate.current.isLatest(ticket))
            setLive({ status: 'error', message: asPanelError(error).message });
        },
      );
    });
    return () => debounce.cancel();
  }, [api, requestKey]);

  return { sweep, live, candidate };
}
