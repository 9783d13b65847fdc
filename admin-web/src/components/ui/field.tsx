import { useId, type InputHTMLAttributes, type ReactNode, type Ref, type TextareaHTMLAttributes } from 'react';

type Common = {
  label: string;
  hint?: ReactNode;
  error?: string | null | undefined;
};

type ControlProps = { id: string; 'aria-invalid': true | undefined; 'aria-describedby': string | undefined };

/** The label, hint and error around one control, wired for assistive tech. */
function Field({ label, hint, error, className, control }: Common & { className?: string | undefined; control: (props: ControlProps) => ReactNode }) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={['field', error ? 'field--invalid' : null, className].filter(Boolean).join(' ')}>
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      {hint ? (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      ) : null}
      {control({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {error ? (
        <p id={errorId} className="field__error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function TextField({
  label,
  hint,
  error,
  inputRef,
  className,
  ...input
}: Common & InputHTMLAttributes<HTMLInputElement> & { inputRef?: Ref<HTMLInputElement> }) {
  return (
    <Field
      label={label}
      hint={hint}
      error={error}
      className={className}
      control={(props) => <input ref={inputRef} className="input" {...props} {...input} />}
    />
  );
}

export function TextAreaField({
  label,
  hint,
  error,
  className,
  textareaRef,
  ...textarea
}: Common & TextareaHTMLAttributes<HTMLTextAreaElement> & { textareaRef?: Ref<HTMLTextAreaElement> }) {
  return (
    <Field
      label={label}
      hint={hint}
      error={error}
      className={className}
      control={(props) => <textarea ref={textareaRef} className="input input--textarea" {...props} {...textarea} />}
    />
  );
}
