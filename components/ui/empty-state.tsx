export function EmptyState({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-zinc-300 bg-white px-6 py-10 text-center">
      <h2 className="text-base font-medium">{title}</h2>
      <div className="mx-auto mt-2 max-w-xl text-sm text-zinc-600">{children}</div>
    </div>
  );
}
