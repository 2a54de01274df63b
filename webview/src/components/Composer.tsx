import { useEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { keyPlatform, stopAnywhereLabel } from '../../../src/protocol/stopKeys';
import type { ModelStatus, Scope, Thoroughness } from '../../../src/protocol/webview';
import { ScopeChip } from './ScopeChip';

const thoroughnessLabels: Record<Thoroughness, string> = {
  quick: 'Quick',
  medium: 'Medium',
  veryThorough: 'Very thorough',
};

interface ComposerProps {
  busy: boolean;
  scope: Scope;
  thoroughness: Thoroughness;
  model?: ModelStatus;
  /** Changes when the host asks for focus (`ui/focusInput`). */
  focusRequests: number;
  /** Says what the next question does: starts a conversation, continues it, or leaves a past one. */
  placeholder: string;
  /** The question typed before the view was last hidden. */
  initialDraft: string;
  onDraft: (text: string) => void;
  /** The box went from empty to holding a question: the model may start loading while the rest is typed. */
  onStartTyping: () => void;
  onAsk: (question: string) => void;
  onStop: () => void;
  onClearScope: () => void;
  onThoroughness: (thoroughness: Thoroughness) => void;
}

/** Says which keys stop a question: Escape in the view, the Stop keybinding anywhere in the window. */
const stopLabel = `Stop (Escape, or ${stopAnywhereLabel(keyPlatform(navigator.userAgent))} anywhere)`;

/** The question box: Enter asks, Shift+Enter adds a line, Escape stops a running question. */
export function Composer(props: ComposerProps) {
  const { busy, scope, thoroughness, model, focusRequests, placeholder } = props;
  const [question, setQuestionState] = useState(props.initialDraft);
  const setQuestion = (text: string) => {
    if (question.trim() === '' && text.trim() !== '') props.onStartTyping();
    setQuestionState(text);
    props.onDraft(text);
  };
  const input = useRef<HTMLTextAreaElement>(null);

  // Only while the view's page has the focus (the command that asked for it focused the view): a
  // request that arrives after the user has moved on, to the command palette say, would take
  // the focus back from there, and the palette closes when it loses it.
  useEffect(() => {
    if (focusRequests > 0 && document.hasFocus()) input.current?.focus();
  }, [focusRequests]);
  useFocusWhenTheViewIs(input);

  const ask = () => {
    const text = question.trim();
    if (busy || text === '') return;
    props.onAsk(text);
    setQuestion('');
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      ask();
    }
  };

  return (
    <form
      className="composer"
      onSubmit={(event) => {
        event.preventDefault();
        ask();
      }}
    >
      <div className="composer-row">
        <ScopeChip scope={scope} onClear={props.onClearScope} />
        <label className="thoroughness">
          <span className="visually-hidden">Thoroughness</span>
          <select value={thoroughness} onChange={(event) => props.onThoroughness(event.target.value as Thoroughness)} title="How many turns the model may take">
            {Object.entries(thoroughnessLabels).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="composer-input">
        <textarea
          ref={input}
          rows={3}
          value={question}
          aria-label="Question about this workspace"
          placeholder={placeholder}
          onChange={(event) => setQuestion(event.target.value)}
          onKeyDown={onKeyDown}
        />
        {busy ? (
          <button type="button" className="icon-button composer-action" aria-label={stopLabel} title={stopLabel} onClick={props.onStop}>
            <span className="codicon codicon-debug-stop" aria-hidden="true" />
          </button>
        ) : (
          <button type="submit" className="icon-button composer-action" aria-label="Ask (Enter)" title="Ask (Enter)" disabled={question.trim() === ''}>
            <span className="codicon codicon-send" aria-hidden="true" />
          </button>
        )}
      </div>
      {busy && question.trim() !== '' && (
        <div className="composer-hint">
          <span className="codicon codicon-warning" aria-hidden="true" /> One question at a time: stop this one or wait for it to finish, then press Enter.
        </div>
      )}
      <ModelLine model={model} />
    </form>
  );
}

/**
 * Focus on Ask View, and the view's icon, focus the view's page rather than a control in it: the
 * question box takes that focus, as the Chat view's box does. A focus that a click brings (on the
 * report, to select its text) stays where the click put it, and so does a focus that comes back
 * to a control of the page.
 */
function useFocusWhenTheViewIs(input: RefObject<HTMLTextAreaElement | null>) {
  useEffect(() => {
    let pointerDown = false;
    const onPointerDown = () => (pointerDown = true);
    const onPointerUp = () => (pointerDown = false);
    const takeFocus = () => {
      const nothingFocused = document.activeElement === null || document.activeElement === document.body;
      if (!pointerDown && nothingFocused) input.current?.focus();
    };
    window.addEventListener('pointerdown', onPointerDown, true);
    window.addEventListener('pointerup', onPointerUp, true);
    window.addEventListener('pointercancel', onPointerUp, true);
    // A button released outside the page sends no pointerup here.
    window.addEventListener('blur', onPointerUp);
    window.addEventListener('focus', takeFocus);
    // The page may have been focused while it loaded, before this listened.
    if (document.hasFocus()) takeFocus();
    return () => {
      window.removeEventListener('pointerdown', onPointerDown, true);
      window.removeEventListener('pointerup', onPointerUp, true);
      window.removeEventListener('pointercancel', onPointerUp, true);
      window.removeEventListener('blur', onPointerUp);
      window.removeEventListener('focus', takeFocus);
    };
  }, [input]);
}

/** A quiet line naming the model and backend, or its speed while it generates. */
function ModelLine({ model }: { model?: ModelStatus }) {
  if (!model) return null;
  let text: string | undefined;
  if (model.state === 'ready') text = `${model.modelName} · ${model.backend}`;
  else if (model.state === 'generating') text = `${model.modelName} · ${model.backend} · ${model.tokensPerSecond.toFixed(1)} tok/s`;
  else if (model.state === 'notLoaded') text = `${model.modelName} · loads on the first question`;
  if (text === undefined) return null;
  return <div className="model-line">{text}</div>;
}
