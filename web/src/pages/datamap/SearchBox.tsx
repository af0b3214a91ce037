// The data map's search box with autocomplete: as one types, up to 8 dataset titles holding the
// words so far (the most used first) open below it. The ARIA combobox pattern: the arrow keys move
// through the list while focus stays in the box, Enter opens the highlighted dataset (or, with none
// highlighted, searches as before), Escape closes the list.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { suggestQuery, type Suggestion } from './catalogApi';

/** How long typing must pause before suggestions are asked for. */
const DEBOUNCE_MS = 200;

export function SearchBox({ id, value, onChange }: { id: string; value: string; onChange: (value: string) => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const listId = useId();
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [typed, setTyped] = useState(value.trim());

  useEffect(() => {
    const timer = setTimeout(() => setTyped(value.trim()), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [value]);

  const wanted = open && typed.length >= 1 && value.trim().length >= 1;
  const suggestions = useQuery({ ...suggestQuery(typed), enabled: wanted, placeholderData: keepPreviousData });
  const items: Suggestion[] = wanted ? (suggestions.data ?? []) : [];
  const expanded = items.length > 0;
  // The list may have changed under the highlight (an answer to newer typing).
  const current = active < items.length ? active : -1;
  const optionId = (index: number) => `${listId}-option-${index}`;

  function choose(suggestion: Suggestion) {
    setOpen(false);
    void navigate({ to: '/datasets/$id', params: { id: suggestion.id } });
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.nativeEvent.isComposing) return; // Korean input: the key belongs to the syllable being composed.
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowUp': {
        if (!expanded) {
          setOpen(true);
          return;
        }
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setActive(current === -1 ? (step === 1 ? 0 : items.length - 1) : (current + step + items.length) % items.length);
        return;
      }
      case 'Enter': {
        const suggestion = current >= 0 ? items[current] : undefined;
        if (expanded && suggestion) {
          event.preventDefault();
          choose(suggestion);
        } else {
          setOpen(false); // The form searches.
        }
        return;
      }
      case 'Escape':
        if (expanded) {
          // Close the list; a second Escape clears the box as usual.
          event.preventDefault();
          setOpen(false);
          setActive(-1);
        }
        return;
      default:
        return;
    }
  }

  return (
    <div className="form-conts dd-map-combobox">
      <input
        id={id}
        type="search"
        className="krds-input"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={current >= 0 ? optionId(current) : undefined}
        autoComplete="off"
        value={value}
        placeholder={t('datamap.placeholder')}
        onChange={(e) => {
          onChange(e.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => setOpen(false)}
        enterKeyHint="search"
      />
      <ul id={listId} role="listbox" aria-label={t('datamap.suggestions')} className="dd-map-suggest" hidden={!expanded}>
        {items.map((s, index) => (
          <li
            key={s.id}
            id={optionId(index)}
            role="option"
            aria-selected={index === current}
            // Keep focus in the box; the click then opens the dataset.
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => choose(s)}
          >
            <span className="dd-map-suggest-title">{s.title}</span>
            <span className="dd-map-suggest-agency">{s.agency}</span>
          </li>
        ))}
      </ul>
      <p className="sr-only" role="status">
        {expanded ? t('datamap.suggestCount', { count: items.length }) : ''}
      </p>
    </div>
  );
}
