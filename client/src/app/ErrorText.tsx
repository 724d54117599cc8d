/** An error message announced to screen readers; nothing when there is none. */
export function ErrorText({ error, testId }: { error: string | null; testId?: string }) {
  if (!error) return null;
  return (
    <p role="alert" className="error" data-testid={testId}>
      {error}
    </p>
  );
}
